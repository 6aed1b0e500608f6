/* engine.c — wk_sweep_run (sweep.h): the controller of a sweep. It walks the plan in order,
 * skips finished points (point.json), keeps up to ex->slots points running on the executor,
 * records each ending, then writes results, plots and the report.
 *
 * Invariants: the controller holds no per-point state in memory (a point's state is on disk,
 * the running ones are the executor's), so its memory does not grow with the grid; one
 * controller per sweep directory (flock on DIR/.wgankit-sweep.lock); an interrupted sweep
 * (SIGINT/SIGTERM) stops its points and records nothing for them, so a rerun resumes them; a
 * directory holding another command's work (or another sweep) is refused before anything is
 * created there, and a sweep failing before its sweep.json takes back what it created. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "sweep/sweep_internal.h"
#include "wgankit/atomic_file.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/result_dir.h"
#include "wgankit/sweep.h"

static volatile sig_atomic_t g_stop;
static void on_signal(int sig) {
    if (sig != SIGALRM) g_stop = 1; /* SIGALRM: the progress line's tick only interrupts the wait */
}

/* A failed point's record (DIR/point.json) removed, so that the point runs again (--retry-failed). */
static int forget_failure(const char *dir) {
    char pj[WK_GAN_STR + 32];
    snprintf(pj, sizeof pj, "%s/point.json", dir);
    if (unlink(pj) && errno != ENOENT) return wk_errorf(WK_EIO, "--retry-failed: cannot remove %s: %s", pj, strerror(errno));
    return WK_OK;
}

/* *made: 1 when this call created it (so that a failure can take it back) */
static int make_dir(const char *path, int *made) {
    int rc = mkdir(path, 0777);
    if (made) *made = !rc;
    if (rc && errno != EEXIST) return wk_errorf(WK_EIO, "cannot create %s: %s", path, strerror(errno));
    return WK_OK;
}

static void fmt_dur(char *buf, size_t n, double s) {
    if (s < 0 || s != s) snprintf(buf, n, "?");
    else if (s < 90) snprintf(buf, n, "%.0fs", s);
    else if (s < 5400) snprintf(buf, n, "%.0fm", s / 60);
    else snprintf(buf, n, "%.1fh", s / 3600);
}

typedef struct {
    FILE *log;
    int tty;
    int64_t total, done, failed, skipped, running, finished_now;
    double t0;
} progress_state;

static void progress(progress_state *ps, int final) {
    if (!ps->tty) return;
    double el = wk_monotonic_s() - ps->t0, rate = ps->finished_now > 0 ? ps->finished_now / el : 0;
    int64_t left = ps->total - ps->done - ps->failed;
    char eta[32], elapsed[32];
    fmt_dur(eta, sizeof eta, rate > 0 ? (double)left / rate : -1); /* the rate of this invocation's finished points */
    fmt_dur(elapsed, sizeof elapsed, el);
    fprintf(ps->log, "\r\033[Ksweep: %lld/%lld finished (%lld failed), %lld running, %.2f points/min, %s elapsed, ETA %s",
            (long long)(ps->done + ps->failed), (long long)ps->total, (long long)ps->failed, (long long)ps->running, rate * 60,
            elapsed, left ? eta : "0s");
    if (final) fputc('\n', ps->log);
    fflush(ps->log);
}

static void lock_path(const char *out, char *path, size_t n) { snprintf(path, n, "%s/.wgankit-sweep.lock", out); }

static int lock_sweep(const char *out, int *fd, int *made) {
    char path[WK_GAN_STR + 32];
    lock_path(out, path, sizeof path);
    *made = access(path, F_OK) != 0;
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (*fd < 0) return wk_errorf(WK_EIO, "cannot create %s: %s", path, strerror(errno));
    if (flock(*fd, LOCK_EX | LOCK_NB)) {
        int e = errno;
        close(*fd);
        *fd = -1;
        if (e == EWOULDBLOCK) return wk_errorf(WK_EINVAL, "--out %s: another wgankit sweep runs there (it holds %s)", out, path);
        return wk_errorf(WK_EIO, "cannot lock %s: %s", path, strerror(e));
    }
    return WK_OK;
}

/* A sweep begun by an older version named its points with every character outside
 * [A-Za-z0-9._=-] as '-' (spec.c): its point directories take the new names, so that a resume
 * keeps their work. The index in the name makes the old name point i's own. */
static int adopt_legacy_names(const wk_sweep_spec *s) {
    int64_t n = wk_sweep_n_points(s);
    for (int64_t i = 0; i < n; i++) {
        wk_sweep_point p;
        char legacy[WK_SWEEP_NAME], from[WK_GAN_STR + WK_SWEEP_NAME + 8], to[WK_GAN_STR + WK_SWEEP_NAME + 8];
        int rc = wk_sweep_point_at(s, i, &p);
        if (rc) return rc;
        wk__sweep_legacy_name(s, &p, legacy, sizeof legacy);
        if (!strcmp(legacy, p.name)) continue;
        snprintf(from, sizeof from, "%s/runs/%s", s->out, legacy);
        snprintf(to, sizeof to, "%s/runs/%s", s->out, p.name);
        if (!access(from, F_OK) && access(to, F_OK) && rename(from, to))
            return wk_errorf(WK_EIO, "cannot rename %s to %s: %s", from, to, strerror(errno));
    }
    return WK_OK;
}

int wk_sweep_run(const wk_sweep_spec *s, const wk_sweep_executor *ex, FILE *log, wk_sweep_summary *sum) {
    if (s->n_seeds < 1) return wk_errorf(WK_EINVAL, "sweep: the spec was not validated (no seeds)");
    if (ex->slots < 1 || ex->threads_per_point < 1) return wk_errorf(WK_EINVAL, "sweep: an executor needs >= 1 slot and thread");
    char path[WK_GAN_STR + 32];
    int rc, lock = -1, exists;
    /* What this call created (the directory, runs/, the lock, the marker): taken back when it
     * fails before its sweep.json is written, so that it leaves only what was there before. */
    struct { int out, runs, lock, marker, own; } made = {0};
    /* a run's or an experiment's directory (or another sweep's) is never this sweep's
     * (result_dir.h): refused before anything is created or locked there, so the refusal leaves
     * it as it was; checked again under the lock for a writer that came in between */
    if ((rc = wk_result_dir_check(s->out, WK_DIR_SWEEP, NULL, NULL, "--out")) || (rc = wk_sweep_check_dir(s, &exists))) return rc;
    snprintf(path, sizeof path, "%s/runs", s->out);
    if ((rc = make_dir(s->out, &made.out)) || (rc = make_dir(path, &made.runs)) || (rc = lock_sweep(s->out, &lock, &made.lock)))
        goto out;
    snprintf(path, sizeof path, "%s/%s", s->out, WK_DIR_MARKER);
    made.marker = access(path, F_OK) != 0;
    if ((rc = wk_result_dir_claim(s->out, WK_DIR_SWEEP, NULL, NULL, "--out")) || (rc = wk_sweep_check_dir(s, &exists))) goto out;
    if (!exists) {
        wk_strbuf sb;
        wk_sb_init(&sb);
        rc = wk_sweep_spec_to_json(s, &sb);
        snprintf(path, sizeof path, "%s/sweep.json", s->out);
        if (!rc) rc = wk_write_file_atomic(path, sb.data, sb.len);
        wk_sb_free(&sb);
        if (rc) goto out;
    }
    made.own = 1; /* the directory is a sweep's now: what follows is kept, failed or not */
    wk_atomic_remove_stale(s->out); /* results of a killed controller; we hold the sweep's lock */
    if (exists && (rc = adopt_legacy_names(s))) goto out;

    progress_state ps = {log, s->progress == 1 || (s->progress == -1 && isatty(fileno(log))), wk_sweep_n_points(s), 0, 0, 0, 0, 0, wk_monotonic_s()};
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: waitpid returns EINTR */
    sigemptyset(&sa.sa_mask);
    g_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    /* on a terminal, a tick each second refreshes the progress line (elapsed, ETA) during long points */
    struct sigaction old_alrm;
    struct itimerval tick = {{1, 0}, {1, 0}}, no_tick = {{0, 0}, {0, 0}};
    if (ps.tty) {
        sigaction(SIGALRM, &sa, &old_alrm);
        setitimer(ITIMER_REAL, &tick, NULL);
    }

    int64_t next = 0, lost = 0, first_lost = -1;
    while (!rc) {
        while (!g_stop && ps.running < ex->slots - lost && next < ps.total) {
            wk_sweep_point p;
            wk_sweep_result r;
            if ((rc = wk_sweep_point_at(s, next, &p)) || (rc = wk_sweep_point_result(s, &p, &r))) break;
            wk_sweep_result_free(&r);
            next++;
            if (r.state == WK_POINT_DONE || (r.state == WK_POINT_FAILED && !s->retry_failed)) {
                ps.skipped++;
                if (r.state == WK_POINT_DONE) ps.done++;
                else ps.failed++;
                continue;
            }
            /* --retry-failed: the failure is forgotten, and the point resumes or restarts */
            const int forget = r.state == WK_POINT_FAILED;
            wk_sweep_argv av;
            char dir[WK_GAN_STR], logp[WK_GAN_STR + 32];
            if ((rc = wk_sweep_point_argv(s, &p, ex->threads_per_point, &av))) break;
            if (!(rc = wk_sweep_point_dir(s, &p, dir, sizeof dir)) && !(rc = forget ? forget_failure(dir) : WK_OK) &&
                !(rc = make_dir(dir, NULL))) {
                snprintf(logp, sizeof logp, "%s/train.log", dir);
                rc = ex->start(ex->ctx, p.index, av.argv, logp);
            }
            wk_sweep_argv_free(&av);
            if (rc) break;
            ps.running++;
            progress(&ps, 0);
        }
        if (rc || ps.running == 0 || g_stop) break;
        wk_sweep_outcome o = {0};
        if ((rc = ex->wait_any(ex->ctx, &o))) {
            if (rc == WK_EINTR && !g_stop) { /* the tick */
                rc = WK_OK;
                progress(&ps, 0);
                continue;
            }
            break;
        }
        ps.running--;
        if (g_stop) break; /* a point killed by the interrupt is not finished: no record */
        if (o.lost) { /* its worker is gone: the point keeps its checkpoint for a rerun */
            if (first_lost < 0) first_lost = o.index;
            if (++lost == ex->slots) rc = wk_errorf(WK_ESYSTEM, "sweep: every worker was lost");
            continue;
        }
        wk_sweep_point p;
        int failed;
        if ((rc = wk_sweep_point_at(s, o.index, &p)) || (rc = wk__sweep_record(s, &p, &o, &failed))) break;
        ps.finished_now++;
        if (failed) ps.failed++;
        else ps.done++;
        progress(&ps, 0);
    }
    if (g_stop && (!rc || rc == WK_EINTR)) rc = wk_errorf(WK_EINTR, "sweep interrupted: rerun the same command to resume it");
    if (lost && !rc) {
        wk_sweep_point p;
        if (!wk_sweep_point_at(s, first_lost, &p))
            rc = wk_errorf(WK_ESYSTEM, "sweep: %lld point%s lost with %s worker (the first: %s); every other point ran: rerun the same "
                           "command to resume %s", (long long)lost, lost > 1 ? "s" : "", lost > 1 ? "their" : "its", p.name,
                           lost > 1 ? "them" : "it");
    }
    if (ps.running > 0 || rc) ex->stop(ex->ctx);
    if (ps.tty) {
        setitimer(ITIMER_REAL, &no_tick, NULL);
        sigaction(SIGALRM, &old_alrm, NULL);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    progress(&ps, 1);
    if (sum) {
        sum->points = ps.total;
        sum->done = ps.done;
        sum->failed = ps.failed;
        sum->skipped = ps.skipped;
        sum->wall_s = wk_monotonic_s() - ps.t0;
    }
    if (rc) goto out;
    if ((rc = wk_sweep_collect(s, sum))) goto out;
    rc = wk_sweep_plot(s, NULL);
    if (rc == WK_EINVAL) { /* no done point has the metric: the report says so */
        fprintf(log, "sweep: no plot: %s\n", wk_last_error());
        rc = WK_OK;
    }
    if (!rc) rc = wk_sweep_report(s);
out:
    if (rc && !made.own) { /* unlinked while still held, so no other sweep can have taken it meanwhile */
        lock_path(s->out, path, sizeof path);
        if (made.lock && lock >= 0) unlink(path);
        snprintf(path, sizeof path, "%s/runs", s->out);
        if (made.runs) rmdir(path);
        wk_result_dir_release(s->out, made.marker, made.out ? s->out : NULL);
    }
    if (lock >= 0) close(lock);
    return rc;
}
