/* run.c — a whole training run into a run directory, what `wgankit train` does: config.json,
 * metrics.jsonl + metrics.csv (rewritten atomically from the in-memory history at every
 * evaluation, so they never hold a half-written line), checkpoint.safetensors (and the kept
 * checkpoints/step-XXXXXX.safetensors), samples.png (2-D: real vs generated over the critic's
 * contour lines, as the WGAN-GP toy figures; images: a sample grid), curves.svg and
 * report.html. A resumed run restores the checkpoint and keeps the history up to its step, so
 * it ends bit-identical to an uninterrupted run.
 * Invariants: one process per run directory (flock); a directory holding a run is never
 * overwritten without --force, and then only from the new run's first checkpoint on;
 * config.json is written only right after each checkpoint, so it describes the checkpoint
 * beside it (whose own metadata holds the same settings, and is what --resume reads). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/self_memory.h"
#include "trainer_internal.h"
#include "wgankit/atomic_file.h"
#include "wgankit/dist.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/json.h"
#include "wgankit/plot.h"
#include "wgankit/report.h"
#include "wgankit/result_dir.h"

/* What opening a run directory added to the file system, so that a run which fails before
 * writing anything of its own leaves only what was there before (wk_result_dir_release). */
typedef struct {
    char top[WK_GAN_STR]; /* the outermost directory created ("": the run directory existed) */
    int lock, marker;     /* 1: the lock file / the result-directory marker was created */
} made_files;

static int mkdirs(const char *dir, made_files *made) {
    char buf[WK_GAN_STR];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = 0;
            if (!mkdir(buf, 0777)) {
                if (!made->top[0]) snprintf(made->top, sizeof made->top, "%s", buf);
            } else if (errno != EEXIST) return wk_errorf(WK_EIO, "cannot create run directory %s: %s", buf, strerror(errno));
            *p = c;
            if (!c) break;
        }
    }
    if (access(dir, W_OK)) return wk_errorf(WK_EIO, "run directory %s is not writable: %s", dir, strerror(errno));
    return WK_OK;
}

typedef struct {
    wk_gan_metrics *m;
    size_t n, cap;
} history;

static int history_push(history *h, const wk_gan_metrics *m) {
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 32;
        wk_gan_metrics *p = wk_realloc(h->m, cap * sizeof *p);
        if (!p) return WK_ENOMEM;
        h->m = p, h->cap = cap;
    }
    h->m[h->n++] = *m;
    return WK_OK;
}

/* A logged value: absent is NaN (not measured, left out again); null with its reason beside it,
 * "<key>_null", is the infinite value wk_gan_metrics_to_json wrote that way (a layer-norm
 * critic's certified bound), kept as that infinity, -Inf where the reason says so
 * (wk_json_logged), so the rewrite of metrics.jsonl and metrics.csv keeps the null, its reason
 * and its sign instead of dropping them. */
static double num(const wk_json *o, const char *k) { return wk_json_logged(o, k); }

/* The rows of metrics.csv up to `step` are all in the history read from metrics.jsonl: a log cut
 * at a line boundary (or deleted) would otherwise rewrite metrics.csv without the rows it lacks.
 * Rows whose step does not parse are not checked (the rewrite restores them from the history). */
static int history_check_csv(const history *h, const char *dir, int64_t step) {
    char path[WK_GAN_STR + 32];
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f) return WK_OK; /* none: nothing to lose */
    char *line = NULL;
    size_t cap = 0;
    long long lineno = 0;
    int rc = WK_OK;
    while (!rc && getline(&line, &cap, f) >= 0) {
        lineno++;
        char *end;
        errno = 0;
        long long at = strtoll(line, &end, 10);
        if (end == line || *end != ',' || errno || at < 0 || at > step) continue;
        size_t i = 0;
        while (i < h->n && h->m[i].step != at) i++;
        if (i == h->n)
            rc = wk_errorf(WK_EFORMAT, "resuming %s: %s line %lld holds step %lld, which %s/metrics.jsonl lacks; the resumed run "
                                       "would rewrite metrics.csv without it: restore that line of metrics.jsonl, or move both "
                                       "files away to resume without the earlier history", dir, path, lineno, at, dir);
    }
    free(line); /* allocated by getline */
    fclose(f);
    return rc;
}

/* Keep the evaluations up to `step` from a previous metrics.jsonl (resume). A line that is not
 * a good metrics line (report.h: wk_metrics_line_parse) is refused, not skipped: the resumed run
 * rewrites metrics.jsonl and metrics.csv from this history, so a skipped line (and with it the
 * intact copy metrics.csv holds) would be lost without a word (FINDINGS 11a). train writes both
 * files atomically, so only damage from outside the run makes such a line. */
static int history_load(history *h, const char *dir, int64_t step) {
    char path[WK_GAN_STR + 32];
    snprintf(path, sizeof path, "%s/metrics.jsonl", dir);
    FILE *f = fopen(path, "r");
    if (!f && errno != ENOENT) return wk_errorf(WK_EIO, "resuming %s: cannot read %s: %s", dir, path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long long lineno = 0;
    int rc = WK_OK;
    while (f && !rc && (len = getline(&line, &cap, f)) >= 0) {
        size_t n = (size_t)len;
        lineno++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ')) n--;
        if (!n) continue;
        wk_json *o;
        int64_t at;
        if ((rc = wk_metrics_line_parse(line, n, path, lineno, &o, &at))) break;
        wk_gan_metrics m = {.step = at, .w1 = num(o, "w1"), .d_d = num(o, "d_D"), .loss_d = num(o, "loss_d"),
                            .loss_g = num(o, "loss_g"), .grad_norm_d = num(o, "gradnorm_d"), .grad_norm_g = num(o, "gradnorm_g"),
                            .lip_grad_max = num(o, "lip_grad_max"), .lip_grad_mean = num(o, "lip_grad_mean"),
                            .lip_certified = num(o, "lip_certified"), .lip_pair_max = num(o, "lip_pair_max"), .modes = num(o, "modes"),
                            .hq_pct = num(o, "hq_pct"), .n_modes = num(o, "n_modes"), .seconds = num(o, "time_s"),
                            .it_per_s = num(o, "speed_it_s"), .w1_floor = num(o, "w1_floor"), .w1_floor_n = num(o, "w1_floor_n"), .w1_real_n = num(o, "w1_real_n"),
                            .w1_train = num(o, "w1_train"), .w1_heldout = num(o, "w1_heldout"), .d_d_train = num(o, "d_D_train"),
                            .d_d_heldout = num(o, "d_D_heldout")};
        wk_metric_values_from_json(o, &m.image);
        wk__mix_metrics_from_json(o, &m); /* a resumed mixture keeps its logged weights */
        if (m.step <= step) rc = history_push(h, &m);
        wk_json_free(o);
    }
    free(line); /* allocated by getline */
    if (f) fclose(f);
    char why[1024]; /* a copy: the message is formatted into the slot it would be read from */
    snprintf(why, sizeof why, "%s", wk_last_error());
    if (rc == WK_EFORMAT)
        return wk_errorf(WK_EFORMAT, "resuming %s: %s; the resumed run would rewrite metrics.jsonl and metrics.csv without it "
                                     "and every line after it: repair or delete that line (metrics.csv holds the same rows), or "
                                     "move both files away to resume without the earlier history", dir, why);
    if (rc) return rc;
    wk_clear_error();
    return history_check_csv(h, dir, step);
}

static int write_history(const history *h, const char *dir) {
    wk_strbuf js, csv;
    wk_sb_init(&js), wk_sb_init(&csv);
    wk_sb_puts(&csv, "step,w1,w1_floor,w1_floor_n,d_D,loss_d,loss_g,gradnorm_d,gradnorm_g,lip_grad_max,lip_grad_mean,lip_certified,lip_pair_max,modes,n_modes,hq_pct,time_s,speed_it_s,w1_train,w1_heldout,d_D_train,d_D_heldout\n");
    for (size_t i = 0; i < h->n; i++) {
        const wk_gan_metrics *m = &h->m[i];
        wk_gan_metrics_to_json(m, &js);
        wk_sb_putc(&js, '\n');
        double v[] = {m->w1, m->w1_floor, m->w1_floor_n, m->d_d, m->loss_d, m->loss_g, m->grad_norm_d, m->grad_norm_g, m->lip_grad_max, m->lip_grad_mean,
                      m->lip_certified, m->lip_pair_max, m->modes, m->n_modes, m->hq_pct, m->seconds, m->it_per_s,
                      m->w1_train, m->w1_heldout, m->d_d_train, m->d_d_heldout};
        wk_sb_printf(&csv, "%lld", (long long)m->step);
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) isnan(v[k]) ? wk_sb_puts(&csv, ",") : wk_sb_printf(&csv, ",%.9g", v[k]);
        wk_sb_putc(&csv, '\n');
    }
    char path[WK_GAN_STR + 32];
    int rc = wk_sb_status(&js) ? wk_sb_status(&js) : wk_sb_status(&csv);
    snprintf(path, sizeof path, "%s/metrics.jsonl", dir);
    if (!rc) rc = wk_write_file_atomic(path, js.data ? js.data : "", js.len);
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    if (!rc) rc = wk_write_file_atomic(path, csv.data, csv.len);
    wk_sb_free(&js), wk_sb_free(&csv);
    return rc;
}

/* curves.svg: the report's overlay chart (W1 with its floor as a band, d_D) on its own; with
 * track_generalization also generalization.svg: the training-sample vs held-out-sample gap
 * (Arora et al. 2017, §3). */
static int write_curves(const history *h, const char *dir, int track_generalization) {
    size_t k = h->n + 1;
    double *x = wk_malloc(k * 8 * sizeof(double));
    if (!x) return WK_ENOMEM;
    double *w1 = x + k, *dd = w1 + k, *fl = dd + k, *w1t = fl + k, *w1h = w1t + k, *ddt = w1h + k, *ddh = ddt + k;
    for (size_t i = 0; i < h->n; i++) {
        const wk_gan_metrics *m = &h->m[i];
        x[i] = (double)m->step, w1[i] = m->w1, dd[i] = m->d_d, fl[i] = m->w1_floor;
        w1t[i] = m->w1_train, w1h[i] = m->w1_heldout, ddt[i] = m->d_d_train, ddh[i] = m->d_d_heldout;
    }
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_sb_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    int rc = wk_report_distance_chart(&sb, x, w1, fl, dd, h->n, 0);
    char path[WK_GAN_STR + 32];
    snprintf(path, sizeof path, "%s/curves.svg", dir);
    if (rc == WK_OK) rc = wk_write_file_atomic(path, sb.data, sb.len);
    wk_sb_free(&sb);
    if (rc == WK_OK && track_generalization) {
        wk_series s[] = {{.name = "W1 vs training sample", .x = x, .y = w1t, .n = h->n},
                         {.name = "W1 vs held-out sample (same n)", .x = x, .y = w1h, .n = h->n},
                         {.name = "d_D vs training sample", .x = x, .y = ddt, .n = h->n},
                         {.name = "d_D vs held-out sample (same n)", .x = x, .y = ddh, .n = h->n}};
        wk_chart_spec spec = {.title = "Does it generalize? Training sample against held-out sample",
                              .x_label = "generator step", .y_label = "distance", .integer_x = 1};
        snprintf(path, sizeof path, "%s/generalization.svg", dir);
        rc = wk_svg_write_line_chart(path, &spec, s, sizeof s / sizeof *s);
    }
    wk_free(x);
    if (!rc && h->m[h->n - 1].mix > 1) rc = wk__mix_write_weights(h->m, h->n, dir);
    return rc;
}

/* samples.png: a scatter with the critic's field for 2-D data, a grid for images. */
static int write_pictures(wk_trainer *t, const char *dir) {
    char path[WK_GAN_STR + 32];
    snprintf(path, sizeof path, "%s/samples.png", dir);
    wk_tensor fake;
    int rc;
    if (t->is_image) {
        if ((rc = wk_trainer_sample(t, NULL, 64, wk_rng_stream_seed(t->cfg.seed, WK_STREAM_PICTURES), 1, &fake))) return rc;
        rc = wk_png_write_grid(path, &fake, 8, 2);
        wk_tensor_free(&fake);
        if (rc) return rc;
        wk_tensor real = t->ds.holdout; /* real.png: held-out images, same grid, for the report's side by side */
        int64_t n = real.shape[0] < 64 ? real.shape[0] : 64;
        real.shape[0] = n, real.numel = n * t->dim;
        snprintf(path, sizeof path, "%s/real.png", dir);
        return wk_png_write_grid(path, &real, 8, 2);
    }
    if (t->dim != 2) return WK_OK;
    int64_t n = t->ds.holdout.shape[0] < 1000 ? t->ds.holdout.shape[0] : 1000;
    if ((rc = wk_trainer_sample(t, NULL, n, wk_rng_stream_seed(t->cfg.seed, WK_STREAM_PICTURES), 1, &fake))) return rc;
    double lo = INFINITY, hi = -INFINITY;
    for (int64_t i = 0; i < 2 * n; i++) {
        double a = t->ds.holdout.data[i], b = fake.data[i];
        if (isfinite(b)) lo = fmin(lo, fmin(a, b)), hi = fmax(hi, fmax(a, b));
        else lo = fmin(lo, a), hi = fmax(hi, a);
    }
    double pad = 0.1 * (hi - lo) + 1e-3;
    lo -= pad, hi += pad;
    enum { G = 96 };
    wk_tensor grid, d;
    rc = wk_tensor_alloc(&grid, 2, (int64_t[]){G * G, 2});
    for (int j = 0; !rc && j < G; j++)
        for (int i = 0; i < G; i++) {
            grid.data[2 * (j * G + i)] = (float)(lo + (hi - lo) * i / (G - 1));
            grid.data[2 * (j * G + i) + 1] = (float)(lo + (hi - lo) * j / (G - 1));
        }
    if (!rc) rc = wk_trainer_critic(t, &grid, &d, NULL);
    if (!rc) {
        wk_scatter_spec s;
        wk_scatter_default(&s);
        s.real = t->ds.holdout.data, s.n_real = n, s.fake = fake.data, s.n_fake = n;
        s.centres = t->ds.synthetic ? t->ds.target.centres : NULL;
        s.n_centres = t->ds.synthetic ? t->ds.target.n_modes : 0;
        s.xmin = s.ymin = lo, s.xmax = s.ymax = hi;
        s.field = d.data, s.field_nx = s.field_ny = G;
        rc = wk_scatter_png(path, &s);
        wk_tensor_free(&d);
    }
    wk_tensor_free(&grid);
    wk_tensor_free(&fake);
    return rc;
}

static void progress(FILE *log, int tty, const wk_trainer *t, double it_s, const wk_gan_metrics *last) {
    double eta = it_s > 0 ? (double)(t->cfg.steps - t->step) / it_s : 0;
    char w[64] = "", dd[64] = "";
    if (last) {
        snprintf(w, sizeof w, "  W1 %.4f (floor %.4f)", last->w1, last->w1_floor);
        snprintf(dd, sizeof dd, "  d_D %.4f", last->d_d);
    }
    if (tty) fprintf(log, "\r\033[Kstep %lld/%lld  %.1f it/s  ETA %.0fs%s%s", (long long)t->step, (long long)t->cfg.steps, it_s, eta, w, dd);
    else {
        fprintf(log, "step %lld/%lld  %.1f it/s  ETA %.0fs%s%s", (long long)t->step, (long long)t->cfg.steps, it_s, eta, w, dd);
        if (last && !isnan(last->modes)) fprintf(log, "  modes %.0f/%.0f  hq %.1f%%", last->modes, last->n_modes, last->hq_pct);
        fputc('\n', log);
    }
    fflush(log);
}

/* ---- the run directory: lock, leftovers, previous runs, kept checkpoints ----------------- */

/* An exclusive flock on DIR/.wgankit.lock for the life of the process (released by the kernel
 * when it exits, however it exits): two runs can never write into one directory. A run that
 * fails before writing anything deletes the lock file it created (gan_run), while holding it;
 * a process that opened the file just before that deletion would lock a file no longer in the
 * directory, so after locking, the path must still name the locked file, else lock again. */
static void lock_path(const char *dir, char *path, size_t n) { snprintf(path, n, "%s/.wgankit.lock", dir); }

static int lock_dir(const char *dir, int *fd, int *made) {
    char path[WK_GAN_STR + 32];
    lock_path(dir, path, sizeof path);
    for (int tries = 0;; tries++) {
        *made = access(path, F_OK) != 0;
        *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (*fd < 0) return wk_errorf(WK_EIO, "run directory %s: cannot create its lock file: %s", dir, strerror(errno));
        if (flock(*fd, LOCK_EX | LOCK_NB)) {
            int e = errno;
            close(*fd);
            *fd = -1;
            if (e == EWOULDBLOCK)
                return wk_errorf(WK_EINVAL, "run directory %s is in use by another wgankit train (it holds %s): "
                                            "wait for it, or choose another run directory", dir, path);
            return wk_errorf(WK_EIO, "run directory %s: cannot lock %s: %s", dir, path, strerror(e));
        }
        struct stat held, now;
        if (!fstat(*fd, &held) && !stat(path, &now) && held.st_dev == now.st_dev && held.st_ino == now.st_ino)
            return WK_OK;
        close(*fd); /* deleted (or replaced) after we opened it: lock the file the path names now */
        *fd = -1;
        if (tries == 8)
            return wk_errorf(WK_EIO, "run directory %s: its lock file %s keeps being replaced", dir, path);
    }
}

/* The files that make a directory a run (what train writes first). */
static const char *held_run(const char *dir) {
    static const char *const files[] = {"checkpoint.safetensors", "config.json", "metrics.jsonl"};
    char path[WK_GAN_STR + 32];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (!access(path, F_OK)) return files[i];
    }
    return NULL;
}

static int by_step(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Remove kept checkpoints (checkpoints/step-XXXXXX.safetensors) so that at most `keep` of
 * the newest remain (keep 0: all go, as when a forced run replaces an old one). */
static void prune_kept(const char *dir, int64_t keep) {
    char path[WK_GAN_STR + 64];
    snprintf(path, sizeof path, "%s/checkpoints", dir);
    DIR *d = opendir(path);
    if (!d) return;
    int64_t *steps = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        long long st;
        char tail[32];
        if (sscanf(e->d_name, "step-%lld%31s", &st, tail) != 2 || strcmp(tail, ".safetensors")) continue;
        if (n == cap) {
            int64_t *p = wk_realloc(steps, (cap = cap ? 2 * cap : 64) * sizeof *p);
            if (!p) break;
            steps = p;
        }
        steps[n++] = st;
    }
    closedir(d);
    if (steps) qsort(steps, n, sizeof *steps, by_step);
    for (size_t i = 0; i + (size_t)keep < n; i++) {
        snprintf(path, sizeof path, "%s/checkpoints/step-%06lld.safetensors", dir, (long long)steps[i]);
        unlink(path);
    }
    wk_free(steps);
}

static int write_config(const wk_trainer *t, const char *dir) {
    char path[WK_GAN_STR + 32];
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_gan_config_to_json(&t->cfg, &sb);
    wk_sb_putc(&sb, '\n');
    snprintf(path, sizeof path, "%s/config.json", dir);
    int rc = wk_sb_status(&sb) ? wk_sb_status(&sb) : wk_write_file_atomic(path, sb.data, sb.len);
    wk_sb_free(&sb);
    return rc;
}

/* A checkpoint and what goes with it: the kept copy, then config.json and the metrics, so
 * the files of the directory describe the run of its checkpoint. `*own` says the directory's
 * files are this run's; until then (a forced run over an old one) nothing of the old run has
 * been touched, and its kept checkpoints go now. */
static int checkpoint(wk_trainer *t, const char *dir, const history *h, int *own) {
    char path[WK_GAN_STR + 64];
    int rc;
    snprintf(path, sizeof path, "%s/checkpoint.safetensors", dir);
    if ((rc = wk_trainer_save(t, path))) return rc;
    if (!*own) prune_kept(dir, 0); /* only once this run's checkpoint has replaced the old run's */
    if (t->cfg.keep_checkpoints) {
        snprintf(path, sizeof path, "%s/checkpoints", dir);
        if (mkdir(path, 0777) && errno != EEXIST) return wk_errorf(WK_EIO, "cannot create %s: %s", path, strerror(errno));
        snprintf(path, sizeof path, "%s/checkpoints/step-%06lld.safetensors", dir, (long long)t->step);
        if ((rc = wk_trainer_save(t, path))) return rc;
        if (t->cfg.keep_checkpoints > 0) prune_kept(dir, t->cfg.keep_checkpoints);
    }
    *own = 1;
    if ((rc = write_config(t, dir))) return rc;
    return write_history(h, dir);
}

/* The run directory for a new, forced or resumed run: created, locked (*lock), leftovers of
 * killed writers removed, an old run refused unless forced or resumed; *own says whether the
 * directory's files are this run's, *made what this call created. Rank 0's job alone under
 * data_parallel. */
static int refuse_held(const char *dir, int mode, const char **held) {
    *held = held_run(dir);
    if (*held && mode == WK_RUN_NEW)
        return wk_errorf(WK_EINVAL, "out %s already holds a run (%s): a resume continues it, a forced run replaces it "
                                    "(from the new run's first checkpoint on), or choose another out", dir, *held);
    return WK_OK;
}

static int open_run_dir(const char *dir, int mode, int *lock, int *own, made_files *made, FILE *log) {
    char path[WK_GAN_STR + 32];
    const char *flag = "out", *held; /* the setting naming the directory, in result_dir's messages */
    /* Another command's directory (and a run's without --force or --resume) is refused before
     * anything is created, locked or cleaned there, so the refusal leaves it as it was; the same
     * checks run again under the lock for a writer that came in between. */
    int rc = wk_result_dir_check(dir, WK_DIR_RUN, NULL, NULL, flag);
    if (rc || (rc = refuse_held(dir, mode, &held))) return rc;
    if ((rc = mkdirs(dir, made)) || (rc = lock_dir(dir, lock, &made->lock))) return rc;
    /* Under the lock nobody else writes here: temporaries are leftovers of killed writers. */
    snprintf(path, sizeof path, "%s/checkpoints", dir);
    int stale = wk_atomic_remove_stale(dir) + wk_atomic_remove_stale(path);
    if (stale) fprintf(log, "removed %d temporary file%s left by an interrupted write\n", stale, stale > 1 ? "s" : "");
    /* a sweep's or an experiment's directory is never a run's, not even with --force */
    snprintf(path, sizeof path, "%s/%s", dir, WK_DIR_MARKER);
    made->marker = access(path, F_OK) != 0;
    if ((rc = wk_result_dir_claim(dir, WK_DIR_RUN, NULL, NULL, flag)) || (rc = refuse_held(dir, mode, &held))) return rc;
    *own = mode == WK_RUN_RESUME || !held; /* are the directory's files this run's? */
    return WK_OK;
}

/* A resume continues the problem the run started on: the settings that define it (the target
 * and its options, the fixed sample's size, the held-out set's size) must be the checkpoint's,
 * or one metrics.jsonl and report would describe two problems. A data file is covered by its
 * fingerprint (a moved file is the same data); a synthetic target with fresh draws has none, so
 * its spec is compared as given. `was`: the checkpoint's settings (read once by gan_run). Called
 * twice: before the data is built (held < 0: the target and data_n, --seed and --scale, so a
 * changed data_n is named before the state tensors are checked) and after (held: the held-out
 * size this run uses, a file's being capped). The messages name settings as key=value (gan.h's
 * names; the CLI adds a line with its flags). resume_data_changed=1 lets it go on (said on the
 * log). Also: extending steps under lr_decay linear gives another schedule than one long run
 * (said on the log). */
static int check_same_problem(const char *dir, const wk_gan_config *was, const wk_gan_config *cfg, int64_t held,
                              FILE *log) {
    const wk_gan_config old = *was;
    wk_gan_config now = *cfg;
    char what[2 * WK_GAN_STR + 64] = "";
    unsigned which = WK_PROBLEM_HOLDOUT; /* after the data was built: the held-out size this run uses */
    if (held < 0) { /* before: a synthetic target's spec and sample size, and what draws and scales the data */
        int synth = wk_dataset_is_synthetic(old.data) || wk_dataset_is_synthetic(cfg->data);
        which = (synth ? WK_PROBLEM_DATA | WK_PROBLEM_DATA_N : 0) | WK_PROBLEM_SEED | WK_PROBLEM_SCALE;
    } else now.holdout = held;
    if (held < 0) { /* the networks the checkpoint holds: a resume cannot rebuild them otherwise */
        static const char *const arch[] = {"gen", "gen_depth", "gen_width", "latent_dim", "latent", "gen_act", "gen_out",
                                           "gen_bn", "critic", "critic_net", "critic_depth", "critic_width", "critic_act",
                                           "groupsort_k", "critic_norm", "dcgan_width", "bjorck_reparam", "mix", "mix_budget"};
        for (size_t k = 0; k < sizeof arch / sizeof *arch; k++) {
            char v_now[64], v_was[64];
            wk_gan_config_get(cfg, arch[k], v_now, sizeof v_now), wk_gan_config_get(&old, arch[k], v_was, sizeof v_was);
            if (!strcmp(v_now, v_was)) continue;
            return wk_errorf(WK_EINVAL, "resuming %s: %s=%s: the run's networks were built with %s=%s; a resume continues "
                                        "the same networks: drop the setting, or start a new run", dir, arch[k], v_now, arch[k],
                             v_was);
        }
    }
    switch (wk_gan_config_problem_diff(&old, &now, which)) {
    case WK_PROBLEM_DATA: snprintf(what, sizeof what, "data=%s: the run started on data=%s", cfg->data, old.data); break;
    case WK_PROBLEM_DATA_N:
        snprintf(what, sizeof what, "data_n=%lld: the run started with data_n=%lld", (long long)cfg->data_n, (long long)old.data_n);
        break;
    case WK_PROBLEM_SEED:
        snprintf(what, sizeof what, "seed=%lld: the run started with seed=%lld (it draws the held-out set and splits a file)",
                 (long long)cfg->seed, (long long)old.seed);
        break;
    case WK_PROBLEM_SCALE: {
        char scale_now[16], scale_was[16];
        wk_gan_config_get(cfg, "scale", scale_now, sizeof scale_now), wk_gan_config_get(&old, "scale", scale_was, sizeof scale_was);
        snprintf(what, sizeof what, "scale=%s: the run started with scale=%s", scale_now, scale_was);
        break;
    }
    case WK_PROBLEM_HOLDOUT:
        snprintf(what, sizeof what, "holdout=%lld: the run started with holdout=%lld (its held-out set is the W1 reference)",
                 (long long)held, (long long)old.holdout);
        break;
    }
    if (what[0] && !cfg->resume_data_changed)
        return wk_errorf(WK_EINVAL, "resuming %s: %s; a resume continues the same problem: drop the setting, or set "
                                    "resume_data_changed=1 to continue on the new one (one history then mixes both)", dir, what);
    if (what[0]) fprintf(log, "%s: continuing on the new problem (resume_data_changed=1)\n", what);
    if (held >= 0 && cfg->lr_decay == WK_LR_DECAY_LINEAR && old.steps != cfg->steps)
        fprintf(log, "note: --lr-decay linear decays to 0 at --steps; the run so far followed the schedule of --steps %lld, "
                     "from here it follows --steps %lld's: not what one run of %lld steps would do\n",
                (long long)old.steps, (long long)cfg->steps, (long long)cfg->steps);
    return WK_OK;
}

/* An allocation refused under a memory limit (ulimit -v / -d), told apart by when it happened.
 * `fresh`: the work that failed was running for the first time in this run (reading the data,
 * building the networks, loading the checkpoint, the first step, evaluation or checkpoint, the
 * pictures at the end): then the run as asked, its data and the working memory of its settings,
 * does not fit the limit, which rerunning it cannot change: WK_ENOFIT, with the sizes and the
 * limit (the CLI maps it to exit 2 and names its flags; Python raises MemoryError). Refused by
 * work that had fitted before in this run, the process's use grew while it ran: a runtime
 * failure (WK_ENOMEM kept, exit 1), said as such; the last checkpoint stays intact (it is
 * written atomically) and a resume continues from it. Without a limit, WK_ENOMEM as it came.
 * t: the trainer when it was built (its data's size), else NULL. The words are the library's
 * (settings as gan.h names them), never a front end's flags. */
static int memory_refused(int rc, int fresh, const wk_gan_config *cfg, const wk_trainer *t) {
    const char *which;
    uint64_t lim;
    if (rc != WK_ENOMEM || !wk_rlimit_set(&which, &lim)) return rc;
    if (!fresh)
        return wk_error_context(WK_ENOMEM, "memory refused under the limit of %s, %llu bytes, by work that had fitted earlier "
                                           "in this run (its use grew: a runtime failure, not the input)", which,
                                (unsigned long long)lim);
    wk_self_use use;
    wk_self_use_read(&use);
    const uint64_t held = strcmp(which, WK_RLIMIT_AS_NAME) ? use.data : use.vm; /* what that limit counts */
    char data[96] = "its data";
    if (t) {
        const int64_t n = t->ds.train.numel + (t->ds.holdout.data ? t->ds.holdout.numel : 0);
        snprintf(data, sizeof data, "its data: %llu bytes as float32", (unsigned long long)n * sizeof(float));
    }
    return wk_error_context(WK_ENOFIT, "%s: the run does not fit under the limit of %s, %llu bytes, of which the process "
                                       "holds %llu (%s; its networks and the working memory of batch %lld and eval_n %lld)",
                            cfg->data, which, (unsigned long long)lim, (unsigned long long)held, data, (long long)cfg->batch,
                            (long long)cfg->eval_n);
}

static int gan_run(const wk_gan_config *cfg_in, int mode, FILE *log) {
    wk_gan_config cfg = *cfg_in;
    const char *dir = cfg.out;
    char ckpt[WK_GAN_STR + 32], path[WK_GAN_STR + 32];
    snprintf(ckpt, sizeof ckpt, "%s/checkpoint.safetensors", dir);
    int rc = wk_gan_config_validate(&cfg), lock = -1, resume = mode == WK_RUN_RESUME, own = 1;
    /* data_parallel: every rank trains; rank 0 alone touches the run directory (evaluations,
     * checkpoints, pictures, report), the others only read its checkpoint when resuming */
    int lead = !cfg.data_parallel || wk_dist_rank() == 0;
    struct stat st;
    if (!rc && resume && stat(ckpt, &st) && errno == ENOENT) rc = wk_errorf(WK_EIO, "resuming %s: no checkpoint.safetensors there", dir);
    made_files made = {.top = ""};
    if (!rc && lead) rc = open_run_dir(dir, mode, &lock, &own, &made, log);
    wk_dataset ds;
    wk_trainer *t = NULL;
    history h = {0};
    int fresh = 1, stepped = 0, evaluated = 0, saved = 0; /* for memory_refused: has this work run before? */
    wk_checkpoint ck = {0}; /* read once: its settings (for check_same_problem), then its state */
    const wk_gan_config *was = &ck.cfg;
    if (!rc && resume) rc = wk_checkpoint_read(ckpt, WK_CHECKPOINT_ALL, &ck);
    if (!rc && resume) rc = check_same_problem(dir, was, &cfg, -1, log);
    if (!rc && resume) rc = wk_checkpoint_check_data(&ck, &cfg); /* before building data the config claims */
    if (!rc && !(rc = wk_dataset_load(&cfg, &ds)) && (rc = wk__trainer_new_validated(&cfg, &ds, &t))) wk_dataset_free(&ds);
    if (!rc && !t->ds.synthetic && cfg.scale == WK_SCALE_AUTO && !wk_data_scale_is_identity(&t->ds.scale))
        fprintf(log == stdout ? stderr : log, "--scale auto: %s is byte data (uint8 or images, integers 0..255): scaled as bytes, x / 127.5 - 1 "
                     "(--scale none keeps its units)\n", cfg.data);
    if (!rc && !t->ds.synthetic && t->ds.holdout.data && t->ds.holdout.shape[0] != cfg.holdout) {
        /* a file keeps at least half its rows for training (files.c): say so, and record the
         * number actually held out, so config.json and the checkpoint describe this run */
        fprintf(log, "--holdout %lld: %s has %lld rows; holding out %lld (at most half of them)\n", (long long)cfg.holdout,
                cfg.data, (long long)(t->ds.holdout.shape[0] + t->ds.train.shape[0]), (long long)t->ds.holdout.shape[0]);
        cfg.holdout = t->cfg.holdout = t->ds.holdout.shape[0];
    }
    if (!rc && resume) rc = check_same_problem(dir, was, &cfg, t->cfg.holdout, log);
    if (!rc && resume) rc = wk_trainer_load_checkpoint(t, &ck);
    wk_checkpoint_free(&ck); /* loaded: the file's copy is not kept through the run */
    /* the data the run started with, by fingerprint (older checkpoints have none): a file
     * swapped for another of the same shape would otherwise continue silently */
    if (!rc && resume && t->loaded_fingerprint && t->ds.fingerprint && t->loaded_fingerprint != t->ds.fingerprint) {
        if (!cfg.resume_data_changed)
            rc = wk_errorf(WK_EINVAL, "resuming %s: data=%s: the data changed since the run started (fingerprint %016llx, the "
                                      "checkpoint's %016llx); restore it, or set resume_data_changed=1 to continue on the new data",
                           dir, cfg.data, (unsigned long long)t->ds.fingerprint, (unsigned long long)t->loaded_fingerprint);
        else fprintf(log, "--data %s changed since the run started: continuing on the new data (--resume-data-changed 1)\n", cfg.data);
    }
    if (t) t->cfg.resume_data_changed = 0; /* a one-off choice: never saved with the run */
    if (!rc && resume) rc = history_load(&h, dir, t->step); /* a damaged metrics.jsonl: refused, not dropped */
    /* every rank reaches this point, so a failure on one (bad file, directory in use) stops all */
    if (cfg.data_parallel) rc = wk_dist_agree(rc, cfg.dist_timeout, "start the run");
    if (rc) goto done;
    if (t->T > 1) wk__mix_print_sizes(t, log);
    int tty = cfg.progress == 1 || (cfg.progress == -1 && isatty(fileno(log)));
    /* a resumed run's earlier parts: their time is in the checkpoint (older ones: the last evaluation) */
    double t0 = wk_monotonic_s(), last_print = 0, prev_seconds = t->seconds > 0 ? t->seconds : h.n ? h.m[h.n - 1].seconds : 0;
    int64_t step0 = t->step;
    wk_gan_metrics last, *lastp = NULL;
    if (resume && t->step >= cfg.steps) /* not "resuming": nothing will be trained */
        fprintf(log, "%s is already at step %lld >= --steps %lld: nothing to train (raise --steps to continue); "
                     "its report is rewritten\n", dir, (long long)t->step, (long long)cfg.steps);
    else if (resume) fprintf(log, "resuming %s at step %lld\n", dir, (long long)t->step);
    if (lead && cfg.eval_every && t->step == 0 && cfg.steps > 0) { /* step 0: where the curves start (the untrained pair) */
        if ((rc = wk_trainer_evaluate(t, &last))) goto done;
        evaluated = 1;
        last.seconds = 0, last.it_per_s = last.loss_d = last.loss_g = last.grad_norm_d = last.grad_norm_g = NAN;
        /* a forced run leaves the old run's metrics alone until its own first checkpoint */
        if ((rc = history_push(&h, &last)) || (own && (rc = write_history(&h, dir)))) goto done;
        if (!tty) progress(log, 0, t, 0, &last);
    }
    while (t->step < cfg.steps) {
        fresh = !stepped;
        if ((rc = wk_trainer_step(t))) {
            if (tty) fputc('\n', log);
            break;
        }
        stepped = 1;
        double el = wk_monotonic_s() - t0, it_s = (double)(t->step - step0) / el;
        int at_end = t->step == cfg.steps;
        if (lead && ((cfg.eval_every && t->step % cfg.eval_every == 0) || at_end)) {
            fresh = !evaluated;
            if ((rc = wk_trainer_evaluate(t, &last))) break; /* said below: where the last checkpoint is */
            evaluated = 1;
            last.seconds = prev_seconds + el;
            last.it_per_s = it_s;
            lastp = &last;
            if ((rc = history_push(&h, &last)) || (own && (rc = write_history(&h, dir)))) break;
            if (!tty) progress(log, 0, t, it_s, lastp);
        }
        t->seconds = prev_seconds + el;
        if ((cfg.checkpoint_every && t->step % cfg.checkpoint_every == 0) || at_end) {
            /* data_parallel: the ranks' weights must be one model before rank 0 saves it */
            fresh = !saved;
            if ((rc = wk__dp_check_same(t)) || (lead && (rc = checkpoint(t, dir, &h, &own)))) break;
            saved = 1;
        }
        if (tty && (el - last_print > 0.2 || at_end)) {
            progress(log, 1, t, it_s, lastp);
            last_print = el;
        }
    }
    if (rc) { /* a step, an evaluation or a checkpoint failed (divergence: NaN/Inf; memory) */
        if (own && !access(ckpt, F_OK)) wk_error_context(rc, "training stopped; the last good checkpoint is %s", ckpt);
        else wk_error_context(rc, "training stopped before the first checkpoint%s", own ? "" : " (the run already in the directory is untouched)");
        goto done;
    }
    if (tty) fputc('\n', log);
    if (!lead) goto done;
    fresh = 1; /* the pictures and the report: once, at the end */
    if (t->step == step0 && !resume) { /* nothing to do (steps 0): still leave a checkpoint */
        if ((rc = checkpoint(t, dir, &h, &own))) goto done;
    }
    if ((rc = write_pictures(t, dir)) || (h.n && (rc = write_curves(&h, dir, cfg.track_generalization)))) goto done;
    rc = wk_report_build(dir, path, sizeof path);
    if (!rc && lastp) {
        /* a resumed run: this part's steps and time, then the run's total (issue 11) */
        if (step0 > 0)
            fprintf(log, "done: %lld steps, %lld of them in this part in %.1fs (total training time %.1fs)", (long long)t->step,
                    (long long)(t->step - step0), lastp->seconds - prev_seconds, lastp->seconds);
        else fprintf(log, "done: %lld steps in %.1fs", (long long)t->step, lastp->seconds);
        /* the real side of both W1 and floor: the held-out points the evaluation uses (evaluate.c) */
        const int64_t n_held = t->ds.holdout.shape[0] < cfg.eval_n ? t->ds.holdout.shape[0] : cfg.eval_n;
        char few[160] = "";
        if (lastp->w1_floor_n < (double)cfg.eval_n) snprintf(few, sizeof few, ", below eval_n: too few real rows, the floor is biased high");
        else if (n_held < cfg.eval_n)
            snprintf(few, sizeof few, " against the %lld held-out points, below eval_n as the W1's: both are biased high", (long long)n_held);
        fprintf(log, "  W1 %.4f (real-vs-real floor %.4f at n = %.0f%s)  d_D %.4f", lastp->w1, lastp->w1_floor, lastp->w1_floor_n,
                few, lastp->d_d);
        if (!isnan(lastp->modes)) fprintf(log, "  modes %.0f/%.0f  high-quality %.1f%%", lastp->modes, lastp->n_modes, lastp->hq_pct);
        fputc('\n', log);
    }
    if (cfg.data_parallel && t->step > step0) {
        wk_dist_stats ds_ = wk_dist_get_stats();
        double el = t->seconds - prev_seconds; /* this part's training time (evaluations excluded) */
        fprintf(log, "data-parallel: %d rank%s x %lld rows; rank 0 spent %.2fs of %.2fs training (%.1f%%) in %lld all-reduces of %.0f floats\n",
                wk_dist_size(), wk_dist_size() > 1 ? "s" : "", (long long)t->rows, ds_.seconds, el, el > 0 ? 100 * ds_.seconds / el : 0,
                (long long)ds_.calls, ds_.calls ? (double)ds_.floats / (double)ds_.calls : 0);
    }
done:
    rc = memory_refused(rc, fresh, &cfg, t);
    wk_free(h.m);
    wk_trainer_free(t);
    if (rc && lock >= 0 && !held_run(dir)) {
        /* failed before this run wrote anything (bad data, bad settings, divergence before any
         * evaluation or checkpoint): take back the lock, the marker and the directories it made,
         * so a rerun starts as on a fresh --out; unlinked while still held, so no other train
         * can have taken it meanwhile */
        char lp[WK_GAN_STR + 32];
        lock_path(dir, lp, sizeof lp);
        if (made.lock) unlink(lp);
        wk_result_dir_release(dir, made.marker, made.top);
    }
    if (lock >= 0) close(lock);
    return rc;
}

int wk_gan_run(const wk_gan_config *cfg, int mode, FILE *log) {
    struct { wk_exec exec; } run = {wk_exec_make(cfg->threads)}; /* data loading and pictures too */
    WK_TRAINER_CALL(&run, gan_run(cfg, mode, log));
}
