/* results.c — wk_sweep_collect (sweep.h): DIR/results.csv and DIR/results.jsonl, one row per
 * point in plan order, streamed through atomic files (memory independent of the grid size).
 *
 * Columns: index, point, the grid keys, seed, status, failed_step, the metrics of the point's
 * last metrics.jsonl line (flattened: an array member k becomes k[0], k[1], ...; an object
 * member k.sub), wall_s. The metric columns are the union over done points in order of first
 * appearance, found by a first pass over the points. Numbers are written in the shortest form
 * that round-trips, so equal runs give equal bytes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sweep/sweep_internal.h"
#include "wgankit/atomic_file.h"
#include "wgankit/error.h"
#include "wgankit/sweep.h"
#include "wgankit/tensor.h"

typedef struct {
    char **names;
    int n, cap;
} columns;

static int col_find(const columns *c, const char *name) {
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->names[i], name)) return i;
    return -1;
}

static int col_add(columns *c, const char *name) {
    if (col_find(c, name) >= 0) return WK_OK;
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 32;
        char **nn = wk_realloc(c->names, (size_t)cap * sizeof *nn);
        if (!nn) return WK_ENOMEM;
        c->names = nn, c->cap = cap;
    }
    size_t l = strlen(name) + 1;
    if (!(c->names[c->n] = wk_malloc(l))) return WK_ENOMEM;
    memcpy(c->names[c->n++], name, l);
    return WK_OK;
}

static void col_free(columns *c) {
    for (int i = 0; i < c->n; i++) wk_free(c->names[i]);
    wk_free(c->names);
}

/* Visit each number of a metrics object under its flattened name. */
typedef int (*leaf_fn)(void *ctx, const char *name, const wk_json *v);
static int flatten(const wk_json *v, char *name, size_t len, size_t cap, leaf_fn fn, void *ctx) {
    if (v->type == WK_JSON_OBJECT || v->type == WK_JSON_ARRAY) {
        for (size_t i = 0; i < v->count; i++) {
            int w = v->type == WK_JSON_OBJECT ? snprintf(name + len, cap - len, "%s%s", len ? "." : "", v->keys[i])
                                               : snprintf(name + len, cap - len, "[%zu]", i);
            if (w < 0 || (size_t)w >= cap - len) continue; /* a name too long to be a column */
            int rc = flatten(v->items[i], name, len + (size_t)w, cap, fn, ctx);
            name[len] = 0;
            if (rc) return rc;
        }
        return WK_OK;
    }
    return fn(ctx, name, v);
}

static int add_leaf(void *ctx, const char *name, const wk_json *v) {
    (void)v;
    if (!strcmp(name, "wall_s")) return WK_OK; /* ours */
    return col_add(ctx, name);
}

typedef struct {
    const columns *cols;
    const wk_json **vals; /* [cols->n] */
} row_vals;

static int set_leaf(void *ctx, const char *name, const wk_json *v) {
    row_vals *rv = ctx;
    int i = col_find(rv->cols, name);
    if (i >= 0) rv->vals[i] = v;
    return WK_OK;
}

static void csv_field(wk_strbuf *sb, const char *s) {
    if (!strpbrk(s, ",\"\n\r")) {
        wk_sb_puts(sb, s);
        return;
    }
    wk_sb_putc(sb, '"');
    for (; *s; s++) {
        if (*s == '"') wk_sb_putc(sb, '"');
        wk_sb_putc(sb, *s);
    }
    wk_sb_putc(sb, '"');
}

static void csv_number(wk_strbuf *sb, double v) {
    if (isfinite(v)) wk_json_double(sb, v);
    else if (!isnan(v)) wk_sb_puts(sb, v > 0 ? "inf" : "-inf");
}

static const char *status_name(wk_point_state s) {
    return s == WK_POINT_DONE ? "done" : s == WK_POINT_FAILED ? "failed" : "pending";
}

int wk_sweep_collect(const wk_sweep_spec *s, wk_sweep_summary *sum) {
    int64_t n = wk_sweep_n_points(s), done = 0, failed = 0;
    columns cols = {0};
    char name[512];
    int rc = WK_OK;
    /* pass 1: the metric columns */
    for (int64_t i = 0; i < n && !rc; i++) {
        wk_sweep_point p;
        wk_sweep_result r;
        if ((rc = wk_sweep_point_at(s, i, &p)) || (rc = wk_sweep_point_result(s, &p, &r))) break;
        name[0] = 0;
        if (r.metrics) rc = flatten(r.metrics, name, 0, sizeof name, add_leaf, &cols);
        wk_sweep_result_free(&r);
    }
    if (rc) {
        col_free(&cols);
        return rc;
    }
    const wk_json **vals = wk_calloc((size_t)cols.n + 1, sizeof *vals);
    char csv_path[WK_GAN_STR + 32], js_path[WK_GAN_STR + 32];
    snprintf(csv_path, sizeof csv_path, "%s/results.csv", s->out);
    snprintf(js_path, sizeof js_path, "%s/results.jsonl", s->out);
    wk_atomic_file fc = {0}, fj = {0};
    int open_c = 0, open_j = 0;
    wk_strbuf sb, jb;
    wk_sb_init(&sb);
    wk_sb_init(&jb);
    if (!vals) {
        rc = WK_ENOMEM;
        goto done;
    }
    if ((rc = wk_atomic_open(&fc, csv_path))) goto done;
    open_c = 1;
    if ((rc = wk_atomic_open(&fj, js_path))) goto done;
    open_j = 1;
    wk_sb_puts(&sb, "index,point");
    for (int a = 0; a < s->n_axes; a++) wk_sb_putc(&sb, ','), csv_field(&sb, s->axes[a].key);
    wk_sb_puts(&sb, ",seed,status,failed_step");
    for (int c = 0; c < cols.n; c++) wk_sb_putc(&sb, ','), csv_field(&sb, cols.names[c]);
    wk_sb_puts(&sb, ",wall_s\n");
    /* pass 2: the rows */
    for (int64_t i = 0; i < n; i++) {
        wk_sweep_point p;
        wk_sweep_result r;
        if ((rc = wk_sweep_point_at(s, i, &p)) || (rc = wk_sweep_point_result(s, &p, &r))) break;
        done += r.state == WK_POINT_DONE;
        failed += r.state == WK_POINT_FAILED;
        memset(vals, 0, (size_t)cols.n * sizeof *vals);
        row_vals rv = {&cols, vals};
        name[0] = 0;
        if (r.metrics) flatten(r.metrics, name, 0, sizeof name, set_leaf, &rv);
        wk_sb_printf(&sb, "%lld,", (long long)i);
        csv_field(&sb, p.name);
        wk_sb_puts(&jb, "{");
        wk_json_key(&jb, "index");
        wk_json_int(&jb, i);
        wk_json_key(&jb, "point");
        wk_json_string(&jb, p.name);
        wk_json_key(&jb, "settings");
        wk_sb_putc(&jb, '{');
        for (int a = 0; a < s->n_axes; a++) {
            const char *v = s->axes[a].values[p.value[a]];
            wk_sb_putc(&sb, ',');
            csv_field(&sb, v);
            if (a) wk_sb_putc(&jb, ',');
            wk_json_string(&jb, s->axes[a].key);
            wk_sb_putc(&jb, ':');
            wk_json_string(&jb, v);
        }
        wk_sb_putc(&jb, '}');
        wk_sb_printf(&sb, ",%llu,%s,", (unsigned long long)p.seed, status_name(r.state));
        wk_json_key(&jb, "seed");
        wk_sb_printf(&jb, "%llu", (unsigned long long)p.seed);
        wk_json_key(&jb, "status");
        wk_json_string(&jb, status_name(r.state));
        wk_json_key(&jb, "failed_step");
        if (r.failed_step >= 0) {
            wk_sb_printf(&sb, "%lld", (long long)r.failed_step);
            wk_json_int(&jb, r.failed_step);
        } else wk_sb_puts(&jb, "null");
        if (r.state == WK_POINT_FAILED) {
            wk_json_key(&jb, "message");
            wk_json_string(&jb, r.message);
        }
        for (int c = 0; c < cols.n; c++) {
            wk_sb_putc(&sb, ',');
            if (vals[c] && vals[c]->type == WK_JSON_NUMBER) csv_number(&sb, vals[c]->number);
            else if (vals[c] && vals[c]->type == WK_JSON_STRING) csv_field(&sb, vals[c]->string);
            else if (vals[c] && vals[c]->type == WK_JSON_BOOL) wk_sb_puts(&sb, vals[c]->boolean ? "true" : "false");
        }
        wk_json_key(&jb, "metrics");
        if (r.metrics) wk_json_write(&jb, r.metrics);
        else wk_sb_puts(&jb, "null");
        wk_sb_putc(&sb, ',');
        csv_number(&sb, r.wall_s);
        wk_sb_putc(&sb, '\n');
        wk_json_key(&jb, "wall_s");
        wk_json_double(&jb, r.wall_s);
        wk_sb_puts(&jb, "}\n");
        wk_sweep_result_free(&r);
        if ((rc = wk_sb_status(&sb)) || (rc = wk_sb_status(&jb))) break;
        if (sb.len > 65536 || i == n - 1) { /* stream: memory stays bounded */
            rc = wk_atomic_write(&fc, sb.data, sb.len);
            if (rc) open_c = 0;
            if (!rc && (rc = wk_atomic_write(&fj, jb.data, jb.len))) open_j = 0;
            wk_sb_clear(&sb);
            wk_sb_clear(&jb);
            if (rc) break;
        }
    }
    if (!rc && sb.len) { /* n == 0: the header alone */
        if ((rc = wk_atomic_write(&fc, sb.data, sb.len))) open_c = 0;
    }
    if (!rc) {
        open_c = 0;
        if ((rc = wk_atomic_commit(&fc))) goto done;
        open_j = 0;
        rc = wk_atomic_commit(&fj);
    }
done:
    if (open_c) wk_atomic_abort(&fc);
    if (open_j) wk_atomic_abort(&fj);
    wk_sb_free(&sb);
    wk_sb_free(&jb);
    wk_free(vals);
    col_free(&cols);
    if (!rc && sum) sum->points = n, sum->done = done, sum->failed = failed;
    return rc;
}
