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

static int read_metrics(const char *path, metric_table *t) {
    FILE *f = fopen(path, "r");
    if (!f) return WK_OK; /* absent: no charts */
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = WK_OK;
    while (rc == WK_OK && (len = getline(&line, &cap, f)) >= 0) {
        size_t n = (size_t)len;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ')) n--;
        if (!n) continue;
        t->lines++;
        wk_json *o = NULL;
        const wk_json *step;
        if (wk_json_parse(line, n, path, &o) != WK_OK || !(step = wk_json_get(o, "step")) || step->type != WK_JSON_NUMBER) {
            t->skipped++;
            wk_json_free(o);
            continue;
        }
        for (size_t i = 0; i < o->count && rc == WK_OK; i++) {
            if (!strcmp(o->keys[i], "step") || o->items[i]->type != WK_JSON_NUMBER) continue;
            metric *m = metric_for(t, o->keys[i]);
            rc = m ? metric_push(m, step->number, o->items[i]->number) : WK_ENOMEM;
        }
        wk_json_free(o);
    }
    free(line); /* allocated by getline */
    fclose(f);
    return rc == WK_OK ? WK_OK : wk_errorf(rc, "%s: out of memory", path);
}

/* Length of the group prefix of a metric name: up to the first '/' or '_'. */
static size_t group_len(const char *name) {
    size_t n = strcspn(name, "/_");
    return n ? n : strlen(name);
}

static int emit_charts(wk_strbuf *out, const metric_table *t) {
    int *done = wk_calloc(t->n ? t->n : 1, sizeof *done);
    wk_series *ser = wk_calloc(t->n ? t->n : 1, sizeof *ser);
    int rc = done && ser ? WK_OK : wk_errorf(WK_ENOMEM, "report: out of memory");
    for (size_t i = 0; i < t->n && rc == WK_OK; i++) {
        if (done[i]) continue;
        size_t gl = group_len(t->m[i].name), ns = 0;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t j = i; j < t->n; j++) {
            if (done[j] || group_len(t->m[j].name) != gl || strncmp(t->m[j].name, t->m[i].name, gl)) continue;
            done[j] = 1;
            ser[ns++] = (wk_series){t->m[j].name, t->m[j].x, t->m[j].y, t->m[j].n};
            for (size_t k = 0; k < t->m[j].n; k++)
                if (isfinite(t->m[j].y[k])) {
                    lo = fmin(lo, t->m[j].y[k]);
                    hi = fmax(hi, t->m[j].y[k]);
                }
        }
        char title[128];
        snprintf(title, sizeof title, "%.*s", (int)gl, t->m[i].name);
        wk_chart_spec spec = {title, "step", NULL, lo > 0 && hi / lo > 1000, 0, 0};
        wk_sb_puts(out, "<div class=\"chart\">\n");
        rc = wk_svg_line_chart(out, &spec, ser, ns);
        wk_sb_puts(out, "</div>\n");
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

static int emit_images(wk_strbuf *out, const char *dir) {
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
    for (size_t i = 0; i < n && rc == WK_OK; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, list[i].name);
        unsigned char *png;
        size_t png_len;
        if ((rc = wk_io_read_file(path, WK_IO_NO_LIMIT, &png, &png_len)) == WK_EIO) {
            rc = WK_OK; /* vanished since listing */
            continue;
        }
        if (rc) break;
        wk_sb_puts(out, "<figure><img alt=\"");
        wk_sb_append_xml(out, list[i].name);
        wk_sb_puts(out, "\" src=\"data:image/png;base64,");
        wk_sb_append_base64(out, png, png_len);
        wk_sb_puts(out, "\"><figcaption>");
        wk_sb_append_xml(out, list[i].name);
        wk_sb_puts(out, "</figcaption></figure>\n");
        wk_free(png);
    }
    wk_free(list);
    return rc;
}

int wk_report_build(const char *dir, char *out_path, size_t out_path_size) {
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return wk_errorf(WK_EIO, "run directory '%s' does not exist", dir);
    char path[4096];
    wk_strbuf out;
    wk_sb_init(&out);
    wk_sb_puts(&out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>wgankit run ");
    wk_sb_append_xml(&out, dir);
    wk_sb_puts(&out, "</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}"
                     "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 8px;text-align:left}"
                     "th{background:#f4f4f4;font-weight:normal;font-family:monospace}.chart{display:inline-block;margin:4px}"
                     "figure{display:inline-block;margin:8px}img{image-rendering:pixelated;max-width:100%}</style>\n"
                     "</head><body>\n<h1>Run ");
    wk_sb_append_xml(&out, dir);
    wk_sb_puts(&out, "</h1>\n");

    int rc = WK_OK;
    snprintf(path, sizeof path, "%s/config.json", dir);
    wk_json *config = NULL;
    if (stat(path, &st) == 0) {
        wk_sb_puts(&out, "<h2>Configuration</h2>\n");
        if (wk_json_parse_file(path, &config) == WK_OK) {
            wk_strbuf key;
            wk_sb_init(&key);
            wk_sb_puts(&out, "<table>\n");
            emit_config_rows(&out, config, &key);
            wk_sb_puts(&out, "</table>\n");
            wk_sb_free(&key);
            wk_json_free(config);
        } else { /* show why rather than failing the whole report */
            wk_sb_puts(&out, "<p>config.json could not be read: ");
            wk_sb_append_xml(&out, wk_last_error());
            wk_sb_puts(&out, "</p>\n");
        }
    }

    metric_table metrics = {0};
    snprintf(path, sizeof path, "%s/metrics.jsonl", dir);
    rc = read_metrics(path, &metrics);
    if (rc == WK_OK && metrics.lines) {
        wk_sb_puts(&out, "<h2>Metrics</h2>\n");
        if (metrics.skipped) wk_sb_printf(&out, "<p>%zu of %zu lines of metrics.jsonl were not JSON objects with a numeric \"step\" and were skipped.</p>\n",
                                          metrics.skipped, metrics.lines);
        rc = emit_charts(&out, &metrics);
    }
    metrics_free(&metrics);

    if (rc == WK_OK) {
        size_t before = out.len;
        wk_sb_puts(&out, "<h2>Images</h2>\n");
        size_t header = out.len;
        rc = emit_images(&out, dir);
        if (rc == WK_OK && out.len == header) { /* no images: drop the heading */
            out.len = before;
            out.data[before] = 0;
        }
    }
    wk_sb_puts(&out, "</body></html>\n");
    if (rc == WK_OK) rc = wk_sb_status(&out);
    snprintf(path, sizeof path, "%s/report.html", dir);
    if (rc == WK_OK) rc = wk_write_file_atomic(path, out.data, out.len);
    if (rc == WK_OK && out_path) snprintf(out_path, out_path_size, "%s", path);
    wk_sb_free(&out);
    return rc;
}
