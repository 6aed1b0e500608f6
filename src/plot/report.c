/* report.c — build RUN_DIR/report.html from config.json, metrics.jsonl and *.png (see
 * report.h). The page is self-contained: inline SVG charts, PNGs as data URIs, no scripts. */
#include "wgankit/report.h"
#include "io/read_util.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/json.h"
#include "wgankit/plot.h"
#include "wgankit/strbuf.h"
#include "wgankit/tensor.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- metrics ---- */
typedef struct {
    char *name;
    double *x, *y;
    size_t n, cap;
} metric;

typedef struct {
    metric *m;
    size_t n, cap;
    size_t lines, skipped;
    char first_skip[512]; /* the first skipped line's reason (file and line) */
} metric_table;

static void metrics_free(metric_table *t) {
    for (size_t i = 0; i < t->n; i++) {
        wk_free(t->m[i].name);
        wk_free(t->m[i].x);
        wk_free(t->m[i].y);
    }
    wk_free(t->m);
}

static metric *metric_for(metric_table *t, const char *name) {
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->m[i].name, name)) return &t->m[i];
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 8;
        metric *m = wk_realloc(t->m, cap * sizeof *m);
        if (!m) return NULL;
        t->m = m;
        t->cap = cap;
    }
    metric *m = &t->m[t->n];
    memset(m, 0, sizeof *m);
    if (!(m->name = wk_malloc(strlen(name) + 1))) return NULL;
    strcpy(m->name, name);
    t->n++;
    return m;
}

static int metric_push(metric *m, double x, double y) {
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        double *nx = wk_realloc(m->x, cap * sizeof *nx);
        if (!nx) return WK_ENOMEM;
        m->x = nx;
        double *ny = wk_realloc(m->y, cap * sizeof *ny);
        if (!ny) return WK_ENOMEM;
        m->y = ny;
        m->cap = cap;
    }
    m->x[m->n] = x;
    m->y[m->n++] = y;
    return WK_OK;
}

/* Skipped lines are counted, the first one's reason kept, and each named on warn (if any). */
static int read_metrics(const char *path, metric_table *t, FILE *warn) {
    FILE *f = fopen(path, "r");
    if (!f) return WK_OK; /* absent: no charts */
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long long lineno = 0;
    int rc = WK_OK;
    while (rc == WK_OK && (len = getline(&line, &cap, f)) >= 0) {
        size_t n = (size_t)len;
        lineno++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ')) n--;
        if (!n) continue;
        t->lines++;
        wk_json *o = NULL;
        int64_t step;
        if ((rc = wk_metrics_line_parse(line, n, path, lineno, &o, &step)) != WK_OK) {
            if (rc == WK_ENOMEM) break;
            rc = WK_OK;
            if (!t->skipped++) snprintf(t->first_skip, sizeof t->first_skip, "%s", wk_last_error());
            if (warn && t->skipped <= WK_REPORT_MAX_WARNINGS) fprintf(warn, "warning: %s; line skipped\n", wk_last_error());
            continue;
        }
        for (size_t i = 0; i < o->count && rc == WK_OK; i++) {
            if (!strcmp(o->keys[i], "step") || o->items[i]->type != WK_JSON_NUMBER) continue;
            metric *m = metric_for(t, o->keys[i]);
            rc = m ? metric_push(m, (double)step, o->items[i]->number) : WK_ENOMEM;
        }
        wk_json_free(o);
    }
    free(line); /* allocated by getline */
    fclose(f);
    wk_clear_error();
    if (warn && t->skipped > WK_REPORT_MAX_WARNINGS)
        fprintf(warn, "warning: %s: %zu more lines skipped\n", path, t->skipped - WK_REPORT_MAX_WARNINGS);
    return rc == WK_OK ? WK_OK : wk_errorf(rc, "%s: out of memory", path);
}

static const metric *metric_get(const metric_table *t, const char *name) {
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->m[i].name, name)) return &t->m[i];
    return NULL;
}

static size_t finite_count(const metric *m) {
    size_t k = 0;
    for (size_t i = 0; m && i < m->n; i++) k += isfinite(m->y[i]) != 0;
    return k;
}

/* The last finite value (NaN when none) and its step. */
static double last_value(const metric *m, double *step) {
    for (size_t i = m ? m->n : 0; i-- > 0;)
        if (isfinite(m->y[i])) {
            if (step) *step = m->x[i];
            return m->y[i];
        }
    return NAN;
}

/* y of metric m at step x (NaN when that evaluation lacks it). */
static double value_at(const metric *m, double x) {
    for (size_t i = 0; m && i < m->n; i++)
        if (m->x[i] == x) return m->y[i];
    return NAN;
}

/* Length of the group prefix of a metric name: up to the first '/' or '_'. */
static size_t group_len(const char *name) {
    size_t n = strcspn(name, "/_");
    return n ? n : strlen(name);
}

/* Metrics wgankit writes, with the names a reader needs; grouped into one chart each. The
 * distance metrics (w1, w1_floor, d_D) have the first screen's charts; time and speed are
 * headline numbers, not charts. */
typedef struct {
    const char *title, *y_label;
    int integer_y;
    const char *keys[4], *labels[4];
} known_group;

static const known_group known[] = {
    {"Losses", "loss", 0, {"loss_d", "loss_g"}, {"critic loss (loss_d)", "generator loss (loss_g)"}},
    {"Parameter-gradient norms", "norm", 0, {"gradnorm_d", "gradnorm_g"}, {"critic (gradnorm_d)", "generator (gradnorm_g)"}},
    {"The critic's Lipschitz constant", "Lipschitz constant", 0, {"lip_certified", "lip_pair_max", "lip_grad_max", "lip_grad_mean"},
     {"certified bound (lip_certified)", "max |D(x)-D(y)|/|x-y| over pairs", "max |grad D| at real points", "mean |grad D| at real points"}},
    {"Modes covered", "modes", 1, {"modes"}, {"modes covered (of n_modes)"}},
    {"High-quality samples", "% of generated points", 0, {"hq_pct"}, {"within 3 sigma of a mode (hq_pct)"}},
    /* image metrics on the feature network (metrics.h; issue 13): FD and its two terms, KID, IS,
     * improved precision/recall (Kynkaanniemi et al. 2019), density/coverage (Naeem et al. 2020) */
    {"FD, feature network (lower is better)", "FD", 0, {"fd", "fd_mean", "fd_trace"},
     {"FD", "mean term |mu_r - mu_f|^2 (fd_mean)", "covariance term (fd_trace)"}},
    {"KID, feature network (lower is better)", "KID", 0, {"kid"}, {"KID (mean over subsets)"}},
    {"IS, feature network (higher is better)", "IS", 0, {"is"}, {"IS (mean over splits)"}},
    {"Precision and recall (higher is better)", "fraction", 0, {"precision", "recall"},
     {"precision: generated inside the real manifold", "recall: real inside the generated manifold"}},
    {"Density and coverage (higher is better)", "value", 0, {"density", "coverage"}, {"density", "coverage"}},
};
static const char *const not_charted[] = {"w1", "w1_floor", "w1_floor_n", "w1_real_n", "d_D", "time_s", "speed_it_s", "n_modes", "kid_std", "is_std"};

static int is_known(const char *name) {
    for (size_t i = 0; i < sizeof not_charted / sizeof *not_charted; i++)
        if (!strcmp(name, not_charted[i])) return 1;
    for (size_t g = 0; g < sizeof known / sizeof *known; g++)
        for (int k = 0; k < 4 && known[g].keys[k]; k++)
            if (!strcmp(name, known[g].keys[k])) return 1;
    return 0;
}

static int chart_div(wk_strbuf *out, const char *id, const wk_chart_spec *spec, const wk_series *ser, size_t ns) {
    wk_sb_printf(out, "<div class=\"chart\" id=\"%s\">\n", id);
    int rc = wk_svg_line_chart(out, spec, ser, ns);
    wk_sb_puts(out, "</div>\n");
    return rc;
}

int wk_report_distance_chart(wk_strbuf *out, const double *steps, const double *w1, const double *floor, const double *d_d,
                             size_t n, int width) {
    double *zero = wk_calloc(n ? n : 1, sizeof *zero);
    if (!zero) return wk_errorf(WK_ENOMEM, "report: out of memory");
    wk_series s[3];
    size_t k = 0;
    if (floor) s[k++] = (wk_series){.name = "real-vs-real floor (w1_floor)", .x = steps, .n = n, .band_lo = zero, .band_hi = floor};
    if (w1) s[k++] = (wk_series){.name = "W1 generated vs held-out (w1)", .x = steps, .y = w1, .n = n};
    if (d_d) s[k++] = (wk_series){.name = "critic's gap d_D", .x = steps, .y = d_d, .n = n};
    wk_chart_spec spec = {.title = "Is it learning? W1 against its floor, and the critic's d_D", .x_label = "generator step",
                          .y_label = "distance", .width = width, .height = 380, .integer_x = 1};
    int rc = wk_svg_line_chart(out, &spec, s, k);
    wk_free(zero);
    return rc;
}

/* The first screen: headline numbers with their floors, W1 (floor as a band) overlaid with
 * d_D, and d_D against W1 over the evaluations (a 1-Lipschitz critic's gap on the evaluation's
 * samples cannot exceed their W1: the points lie on or below the diagonal). */
static int emit_first_screen(wk_strbuf *out, const metric_table *t) {
    const metric *w1 = metric_get(t, "w1"), *fl = metric_get(t, "w1_floor"), *fln = metric_get(t, "w1_floor_n"), *rn = metric_get(t, "w1_real_n"),
                 *dd = metric_get(t, "d_D"), *modes = metric_get(t, "modes"), *nm = metric_get(t, "n_modes"),
                 *hq = metric_get(t, "hq_pct"), *ts = metric_get(t, "time_s"), *sp = metric_get(t, "speed_it_s");
    if (!finite_count(w1) && !finite_count(dd)) return WK_OK;
    double step = NAN, w = last_value(w1, &step), f = value_at(fl, step), fn = value_at(fln, step), nr = value_at(rn, step),
           d = value_at(dd, step);
    if (!w1) d = last_value(dd, &step);
    wk_sb_puts(out, "<table class=\"headline\" id=\"headline\">\n");
    if (isfinite(w)) {
        wk_sb_printf(out, "<tr><th>W1, generated vs held-out real (exact), step %.0f</th><td><b>%.4f</b>", step, w);
        if (isfinite(f)) { /* the held-out count: a metrics.jsonl written before it was kept has none, and says none */
            wk_sb_printf(out, " &nbsp; real-vs-real floor %.4f (n = %.0f", f, fn);
            if (isfinite(nr)) wk_sb_printf(out, " against the %.0f held-out points W1 uses", nr);
            wk_sb_printf(out, ") &nbsp; above the floor: <b>%.4f</b>", w - f);
        }
        wk_sb_puts(out, "</td></tr>\n");
        double w0 = w1 && w1->n ? w1->y[0] : NAN;
        if (isfinite(w0) && w1->x[0] != step)
        {
            wk_sb_printf(out, "<tr><th>W1 since step %.0f (first evaluation)</th><td>%.4f &rarr; %.4f", w1->x[0], w0, w);
            double f0 = value_at(fl, w1->x[0]);
            if (isfinite(f0) && w0 > f0) /* how much of the reachable distance was covered */
                wk_sb_printf(out, ": %.1f %% of the way down to the floor", 100 * (w0 - w) / (w0 - f0));
            wk_sb_puts(out, "</td></tr>\n");
        }
    }
    if (isfinite(d))
        wk_sb_printf(out, "<tr><th>d_D, the critic's gap E<sub>real</sub>D &minus; E<sub>fake</sub>D</th><td><b>%.4f</b> &nbsp; "
                          "(the co-trained critic, not a supremum over critics: it can be below W1, and negative)</td></tr>\n", d);
    if (w1 && dd) { /* does d_D track W1? Pearson correlation over the evaluations with both, after
                      * step 0 (an untrained critic's gap says nothing about the distance) */
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        size_t k = 0;
        for (size_t i = 0; i < w1->n; i++) {
            double a = w1->y[i], b = value_at(dd, w1->x[i]);
            if (!isfinite(a) || !isfinite(b) || w1->x[i] == 0) continue;
            sx += a, sy += b, sxx += a * a, syy += b * b, sxy += a * b, k++;
        }
        double vx = sxx - sx * sx / (double)k, vy = syy - sy * sy / (double)k;
        if (k >= 3 && vx > 0 && vy > 0)
            wk_sb_printf(out, "<tr><th>does d_D track W1?</th><td>correlation %.3f over the %zu evaluations after step 0</td></tr>\n",
                         (sxy - sx * sy / (double)k) / sqrt(vx * vy), k);
    }
    const metric *fdm = metric_get(t, "fd");
    double fstep = NAN, fdv = last_value(fdm, &fstep);
    if (isfinite(fdv)) { /* image metrics: FD headline, first and last evaluation */
        wk_sb_printf(out, "<tr><th>FD on the feature network, step %.0f</th><td><b>%.4g</b>", fstep, fdv);
        if (fdm->n > 1 && isfinite(fdm->y[0]) && fdm->x[0] != fstep)
            wk_sb_printf(out, " &nbsp; (step %.0f: %.4g)", fdm->x[0], fdm->y[0]);
        const char *keys[] = {"kid", "is", "precision", "recall", "density", "coverage"};
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
            double v = value_at(metric_get(t, keys[i]), fstep);
            if (isfinite(v)) wk_sb_printf(out, " &nbsp; %s %.4g", keys[i], v);
        }
        wk_sb_puts(out, "</td></tr>\n");
    }
    double mo = value_at(modes, step), nmo = value_at(nm, step), h = value_at(hq, step), ti = value_at(ts, step), spd = value_at(sp, step);
    if (isfinite(mo)) {
        wk_sb_printf(out, "<tr><th>modes covered</th><td>%.0f of %.0f", mo, nmo);
        if (isfinite(h)) wk_sb_printf(out, " &nbsp; high-quality samples %.1f %%", h);
        wk_sb_puts(out, "</td></tr>\n");
    }
    if (isfinite(ti)) {
        wk_sb_printf(out, "<tr><th>training time</th><td>%.1f s", ti);
        if (isfinite(spd)) wk_sb_printf(out, " &nbsp; (%.1f generator steps/s at the end)", spd);
        wk_sb_puts(out, "</td></tr>\n");
    }
    wk_sb_puts(out, "</table>\n<div class=\"row\">\n");
    int rc = WK_OK;
    if (w1 || dd) {
        const metric *base = w1 ? w1 : dd;
        size_t n = base->n;
        double *buf = wk_malloc((3 * n + 1) * sizeof *buf);
        if (!buf) return wk_errorf(WK_ENOMEM, "report: out of memory");
        double *fv = buf, *dv = buf + n, *wv = buf + 2 * n;
        for (size_t i = 0; i < n; i++) fv[i] = value_at(fl, base->x[i]), dv[i] = value_at(dd, base->x[i]), wv[i] = value_at(w1, base->x[i]);
        wk_sb_puts(out, "<div class=\"chart\" id=\"chart-distance\">\n");
        rc = wk_report_distance_chart(out, base->x, w1 ? wv : NULL, finite_count(fl) ? fv : NULL, dd ? dv : NULL, n, 640);
        wk_sb_puts(out, "</div>\n");
        size_t first = 0; /* the scatter leaves out step 0 (untrained critic) when later evaluations exist */
        while (first < n && base->x[first] == 0 && n - first > 1) first++;
        if (rc == WK_OK && w1 && dd && finite_count(w1) && finite_count(dd)) {
            wk_series pts = {.name = "evaluation", .x = wv + first, .y = dv + first, .n = n - first};
            wk_chart_spec spec = {.title = first ? "d_D against W1 (after step 0)" : "d_D against W1", .x_label = "W1 generated vs held-out",
                                  .y_label = "critic's gap d_D", .width = 480, .height = 380, .points_only = 1, .diagonal = 1};
            rc = chart_div(out, "chart-scatter", &spec, &pts, 1);
        }
        wk_free(buf);
    }
    wk_sb_puts(out, "</div>\n<p class=\"note\">W1 is the exact Wasserstein-1 distance between the generated and held-out real "
                    "samples; the shaded band reaches the real-vs-real floor, the W1 between two real samples of the same sizes, "
                    "which a perfect generator would score (finite samples bias W1 upwards). d_D is the co-trained critic's gap "
                    "E<sub>real</sub>D &minus; E<sub>fake</sub>D on the same points: with a 1-Lipschitz critic it cannot exceed "
                    "that W1 (the dashed diagonal), and tracking W1 means rising and falling with it.</p>\n");
    return rc;
}

/* Every other metric: the known groups with their full names, then unknown metrics grouped by
 * prefix. Charts with no finite point are not drawn. */
static int emit_charts(wk_strbuf *out, const metric_table *t) {
    int rc = WK_OK, k = 0;
    char id[32];
    for (size_t g = 0; g < sizeof known / sizeof *known && rc == WK_OK; g++) {
        wk_series ser[4];
        size_t ns = 0, pts = 0;
        for (int j = 0; j < 4 && known[g].keys[j]; j++) {
            const metric *m = metric_get(t, known[g].keys[j]);
            if (!finite_count(m)) continue;
            pts += finite_count(m);
            ser[ns++] = (wk_series){.name = known[g].labels[j], .x = m->x, .y = m->y, .n = m->n};
        }
        if (!pts) continue;
        char title[128];
        double nm = last_value(metric_get(t, "n_modes"), NULL);
        if (known[g].integer_y && isfinite(nm)) snprintf(title, sizeof title, "%s (of %.0f)", known[g].title, nm);
        else snprintf(title, sizeof title, "%s", known[g].title);
        wk_chart_spec spec = {.title = title, .x_label = "generator step", .y_label = known[g].y_label, .integer_x = 1,
                              .integer_y = known[g].integer_y};
        snprintf(id, sizeof id, "chart-%d", k++);
        rc = chart_div(out, id, &spec, ser, ns);
    }
    int *done = wk_calloc(t->n ? t->n : 1, sizeof *done);
    wk_series *ser = wk_calloc(t->n ? t->n : 1, sizeof *ser);
    if (rc == WK_OK && (!done || !ser)) rc = wk_errorf(WK_ENOMEM, "report: out of memory");
    for (size_t i = 0; i < t->n && rc == WK_OK; i++) {
        if (done[i] || is_known(t->m[i].name)) continue;
        size_t gl = group_len(t->m[i].name), ns = 0, pts = 0;
        double lo = INFINITY, hi = -INFINITY;
        wk_strbuf title;
        wk_sb_init(&title);
        for (size_t j = i; j < t->n; j++) {
            if (done[j] || is_known(t->m[j].name) || group_len(t->m[j].name) != gl || strncmp(t->m[j].name, t->m[i].name, gl)) continue;
            done[j] = 1;
            ser[ns++] = (wk_series){.name = t->m[j].name, .x = t->m[j].x, .y = t->m[j].y, .n = t->m[j].n};
            pts += finite_count(&t->m[j]);
            wk_sb_puts(&title, ns > 1 ? ", " : "");
            wk_sb_puts(&title, t->m[j].name); /* the full names, never a cut prefix */
            for (size_t q = 0; q < t->m[j].n; q++)
                if (isfinite(t->m[j].y[q])) lo = fmin(lo, t->m[j].y[q]), hi = fmax(hi, t->m[j].y[q]);
        }
        if (pts) {
            wk_chart_spec spec = {.title = title.data, .x_label = "step", .log_y = lo > 0 && hi / lo > 1000, .integer_x = 1};
            snprintf(id, sizeof id, "chart-%d", k++);
            rc = chart_div(out, id, &spec, ser, ns);
        }
        if (rc == WK_OK) rc = wk_sb_status(&title);
        wk_sb_free(&title);
    }
    wk_free(done);
    wk_free(ser);
    return rc;
}

/* ---- config table ---- */
static void emit_config_rows(wk_strbuf *out, const wk_json *v, wk_strbuf *key) {
    if (v->type == WK_JSON_OBJECT) {
        size_t keep = key->len;
        for (size_t i = 0; i < v->count; i++) {
            if (keep) wk_sb_putc(key, '.');
            wk_sb_puts(key, v->keys[i]);
            emit_config_rows(out, v->items[i], key);
            key->len = keep;
            if (key->data) key->data[keep] = 0;
        }
        return;
    }
    wk_strbuf val;
    wk_sb_init(&val);
    if (v->type == WK_JSON_STRING) wk_sb_puts(&val, v->string);
    else wk_json_write(&val, v);
    wk_sb_puts(out, "<tr><th>");
    wk_sb_append_xml(out, key->data ? key->data : "");
    wk_sb_puts(out, "</th><td>");
    wk_sb_append_xml(out, val.data ? val.data : "");
    wk_sb_puts(out, "</td></tr>\n");
    out->failed |= val.failed;
    wk_sb_free(&val);
}

/* ---- images ---- */
typedef struct {
    char name[256];
    struct timespec mtime;
} png_entry;

static int by_time_then_name(const void *a, const void *b) {
    const png_entry *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec) return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec) return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Pictures a run writes, first and with what they show; any other PNG follows, oldest first. */
static const struct {
    const char *file, *caption_points, *caption_images;
} known_png[] = {
    {"samples.png", "generated (green) and held-out real (orange) points over the critic's values",
     "generated samples"},
    {"real.png", "held-out real points", "real samples (held-out)"},
};

static int emit_png(wk_strbuf *out, const char *dir, const char *name, const char *caption) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unsigned char *png;
    size_t png_len;
    int rc = wk_io_read_file(path, WK_IO_NO_LIMIT, &png, &png_len);
    if (rc == WK_EIO) return WK_OK; /* vanished since listing */
    if (rc) return rc;
    wk_sb_puts(out, "<figure><img alt=\"");
    wk_sb_append_xml(out, name);
    wk_sb_puts(out, "\" src=\"data:image/png;base64,");
    wk_sb_append_base64(out, png, png_len);
    wk_sb_puts(out, "\"><figcaption>");
    wk_sb_append_xml(out, caption ? caption : name);
    if (caption) {
        wk_sb_puts(out, " <code>");
        wk_sb_append_xml(out, name);
        wk_sb_puts(out, "</code>");
    }
    wk_sb_puts(out, "</figcaption></figure>\n");
    wk_free(png);
    return WK_OK;
}

static int emit_images(wk_strbuf *out, const char *dir, int images) {
    DIR *d = opendir(dir);
    if (!d) return wk_errorf(WK_EIO, "%s: cannot list: %s", dir, strerror(errno));
    png_entry *list = NULL;
    size_t n = 0, cap = 0;
    int rc = WK_OK;
    char path[4096];
    for (struct dirent *e; rc == WK_OK && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        struct stat st;
        if (len < 5 || len >= sizeof list->name || strcmp(e->d_name + len - 4, ".png")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            png_entry *nl = wk_realloc(list, cap * sizeof *nl);
            if (!nl) { rc = wk_errorf(WK_ENOMEM, "report: out of memory"); break; }
            list = nl;
        }
        memcpy(list[n].name, e->d_name, len + 1);
        list[n++].mtime = st.st_mtim;
    }
    closedir(d);
    if (n) qsort(list, n, sizeof *list, by_time_then_name);
    /* generated next to real */
    for (size_t k = 0; k < sizeof known_png / sizeof *known_png && rc == WK_OK; k++)
        for (size_t i = 0; i < n && rc == WK_OK; i++)
            if (!strcmp(list[i].name, known_png[k].file))
                rc = emit_png(out, dir, list[i].name, images ? known_png[k].caption_images : known_png[k].caption_points);
    for (size_t i = 0; i < n && rc == WK_OK; i++) {
        int k = 0;
        for (size_t j = 0; j < sizeof known_png / sizeof *known_png; j++) k |= !strcmp(list[i].name, known_png[j].file);
        if (!k) rc = emit_png(out, dir, list[i].name, NULL);
    }
    wk_free(list);
    return rc;
}

static const char *cfg_str(const wk_json *cfg, const char *key) {
    const wk_json *v = cfg ? wk_json_get(cfg, key) : NULL;
    return v && v->type == WK_JSON_STRING ? v->string : NULL;
}

int wk_report_build(const char *dir, char *out_path, size_t out_path_size) {
    return wk_report_build_warn(dir, out_path, out_path_size, NULL);
}

int wk_report_build_warn(const char *dir, char *out_path, size_t out_path_size, FILE *warn) {
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return wk_errorf(WK_EIO, "run directory '%s' does not exist", dir);
    char path[4096];
    wk_strbuf out;
    wk_sb_init(&out);
    wk_sb_puts(&out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>wgankit run ");
    wk_sb_append_xml(&out, dir);
    wk_sb_puts(&out, "</title>\n<style>body{font-family:sans-serif;margin:1.2em 2em;color:#222}"
                     "h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.2em 0 .4em}.sub{color:#555;margin:0 0 .8em}"
                     "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 8px;text-align:left}"
                     "th{background:#f4f4f4;font-weight:normal}table.settings th{font-family:monospace}"
                     ".row{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start}.chart{display:inline-block;margin:4px}"
                     ".note{color:#555;font-size:.9em;max-width:70em}"
                     "figure{display:inline-block;margin:8px;vertical-align:top}figcaption{font-size:.9em;color:#444;max-width:512px}"
                     "img{image-rendering:pixelated;max-width:100%}</style>\n"
                     "</head><body>\n<h1>Run ");
    wk_sb_append_xml(&out, dir);
    wk_sb_puts(&out, "</h1>\n");

    int rc = WK_OK;
    snprintf(path, sizeof path, "%s/config.json", dir);
    wk_json *config = NULL;
    int have_config = stat(path, &st) == 0, config_ok = have_config && wk_json_parse_file(path, &config) == WK_OK;
    char config_error[512] = "";
    if (have_config && !config_ok) snprintf(config_error, sizeof config_error, "%s", wk_last_error());
    const char *shape = cfg_str(config, "sample_shape");
    int images = shape && strchr(shape, 'x');
    if (config_ok) {
        const char *keys[] = {"data", "critic", "gen", "loss"}, *names[] = {"data", "critic", "generator", "loss"};
        wk_sb_puts(&out, "<p class=\"sub\">");
        for (int i = 0; i < 4; i++)
            if (cfg_str(config, keys[i])) {
                wk_sb_printf(&out, "%s%s ", i ? " &middot; " : "", names[i]);
                wk_sb_append_xml(&out, cfg_str(config, keys[i]));
            }
        const wk_json *steps = wk_json_get(config, "steps"), *seed = wk_json_get(config, "seed");
        if (steps && steps->type == WK_JSON_NUMBER) wk_sb_printf(&out, " &middot; %.0f generator steps", steps->number);
        if (seed && seed->type == WK_JSON_NUMBER) wk_sb_printf(&out, " &middot; seed %.0f", seed->number);
        wk_sb_puts(&out, "</p>\n");
    }

    metric_table metrics = {0};
    snprintf(path, sizeof path, "%s/metrics.jsonl", dir);
    rc = read_metrics(path, &metrics, warn);
    if (rc == WK_OK && metrics.lines) {
        if (metrics.skipped) {
            wk_sb_printf(&out, "<p>%zu of %zu lines of metrics.jsonl were not JSON objects with an integer \"step\" and were "
                               "skipped; the first: ", metrics.skipped, metrics.lines);
            wk_sb_append_xml(&out, metrics.first_skip);
            wk_sb_puts(&out, "</p>\n");
        }
        rc = emit_first_screen(&out, &metrics);
    }
    if (rc == WK_OK) {
        size_t before = out.len;
        wk_sb_puts(&out, images ? "<h2>Generated and real</h2>\n<div class=\"row\">\n" : "<h2>Samples</h2>\n<div class=\"row\">\n");
        size_t header = out.len;
        rc = emit_images(&out, dir, images);
        if (rc == WK_OK && out.len == header) { /* no images: drop the heading */
            out.len = before;
            out.data[before] = 0;
        } else wk_sb_puts(&out, "</div>\n");
    }
    if (rc == WK_OK && metrics.lines) {
        size_t before = out.len;
        wk_sb_puts(&out, "<h2>Training</h2>\n<div class=\"row\">\n");
        size_t header = out.len;
        rc = emit_charts(&out, &metrics);
        if (rc == WK_OK && out.len == header) {
            out.len = before;
            out.data[before] = 0;
        } else wk_sb_puts(&out, "</div>\n");
    }
    metrics_free(&metrics);

    if (have_config) { /* last, and folded: the settings are for looking up, not for reading first */
        if (config_ok) {
            wk_sb_printf(&out, "<details id=\"settings\"><summary>Settings (%zu, from config.json)</summary>\n<table class=\"settings\">\n",
                         config->type == WK_JSON_OBJECT ? config->count : (size_t)0);
            wk_strbuf key;
            wk_sb_init(&key);
            emit_config_rows(&out, config, &key);
            wk_sb_free(&key);
            wk_sb_puts(&out, "</table></details>\n");
        } else { /* show why rather than failing the whole report */
            wk_sb_puts(&out, "<p>config.json could not be read: ");
            wk_sb_append_xml(&out, config_error);
            wk_sb_puts(&out, "</p>\n");
        }
    }
    wk_json_free(config);
    wk_sb_puts(&out, "</body></html>\n");
    if (rc == WK_OK) rc = wk_sb_status(&out);
    snprintf(path, sizeof path, "%s/report.html", dir);
    if (rc == WK_OK) rc = wk_write_file_atomic(path, out.data, out.len);
    if (rc == WK_OK && out_path) snprintf(out_path, out_path_size, "%s", path);
    wk_sb_free(&out);
    return rc;
}
