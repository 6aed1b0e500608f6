/* sweepdir.c — what a sweep directory holds about its sweep and its points (sweep.h):
 * sweep.json (the grid, seeds and resolved fixed settings a rerun must match), each point's
 * point.json (written by the controller when the point ended: its presence = finished), and the
 * reading of a point's state and final metrics.
 *
 * sweep.json holds grid values as given (point names derive from them) and fixed settings in
 * their resolved form (wk_gan_config_get), so "--lr-g 1e-4" and "--lr-g 0.0001" are the same
 * sweep. Seeds are strings: a JSON number (a double) cannot hold every 64-bit seed. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sweep/sweep_internal.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/sweep.h"
#include "wgankit/tensor.h"

#define SWEEP_FORMAT "wgankit-sweep-1"

void wk__sweep_resolved(const wk_sweep_setting *st, char *buf, size_t n) {
    wk_gan_config c;
    wk_gan_config_default(&c);
    wk_gan_config_set(&c, st->key, st->value); /* checked when added */
    wk_gan_config_get(&c, st->key, buf, n);
}

int wk_sweep_spec_to_json(const wk_sweep_spec *s, wk_strbuf *sb) {
    char buf[WK_GAN_STR];
    wk_sb_puts(sb, "{");
    wk_json_key(sb, "format");
    wk_json_string(sb, SWEEP_FORMAT);
    wk_json_key(sb, "grid");
    wk_sb_putc(sb, '[');
    for (int a = 0; a < s->n_axes; a++) {
        wk_sb_puts(sb, a ? ",\n  {" : "\n  {");
        wk_json_key(sb, "key");
        wk_json_string(sb, s->axes[a].key);
        wk_json_key(sb, "values");
        wk_sb_putc(sb, '[');
        for (int i = 0; i < s->axes[a].n; i++) {
            if (i) wk_sb_putc(sb, ',');
            wk_json_string(sb, s->axes[a].values[i]);
        }
        wk_sb_puts(sb, "]}");
    }
    wk_sb_puts(sb, "]");
    wk_json_key(sb, "seeds");
    wk_sb_putc(sb, '[');
    for (int i = 0; i < s->n_seeds; i++) {
        if (i) wk_sb_putc(sb, ',');
        snprintf(buf, sizeof buf, "%" PRIu64, s->seeds[i]);
        wk_json_string(sb, buf);
    }
    wk_sb_puts(sb, "]");
    wk_json_key(sb, "settings");
    wk_sb_putc(sb, '{');
    for (int i = 0; i < s->n_settings; i++) {
        wk__sweep_resolved(&s->settings[i], buf, sizeof buf);
        wk_json_key(sb, s->settings[i].key);
        wk_json_string(sb, buf);
    }
    wk_sb_puts(sb, "}}\n");
    return wk_sb_status(sb);
}

/* "1,2,3" of a JSON array of strings (into sb; record_types checked them) */
static void list_json(wk_strbuf *sb, const wk_json *arr) {
    for (size_t i = 0; i < arr->count; i++) {
        if (i) wk_sb_putc(sb, ',');
        wk_sb_puts(sb, arr->items[i]->string);
    }
}

static int differ(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int differ(const char *path, const char *fmt, ...) {
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return wk_errorf(WK_EINVAL, "%s holds another sweep: %s (use another --out, or rerun that sweep's command to resume it)", path, what);
}

/* Every field of a sweep record that the comparison reads is a string (the record writes them
 * so): a damaged record is named as such, field by field, not compared as "?". */
static int record_types(const char *path, const wk_json *grid, const wk_json *seeds, const wk_json *set) {
    for (size_t i = 0; i < grid->count; i++) {
        const wk_json *ax = grid->items[i], *key = ax->type == WK_JSON_OBJECT ? wk_json_get(ax, "key") : NULL,
                      *vals = ax->type == WK_JSON_OBJECT ? wk_json_get(ax, "values") : NULL;
        if (!key || key->type != WK_JSON_STRING || !vals || vals->type != WK_JSON_ARRAY)
            return wk_errorf(WK_EINVAL, "%s: damaged sweep record: grid[%zu] must be an object with a string \"key\" and an array \"values\"",
                             path, i);
        for (size_t v = 0; v < vals->count; v++)
            if (vals->items[v]->type != WK_JSON_STRING)
                return wk_errorf(WK_EINVAL, "%s: damaged sweep record: grid[%zu].values[%zu] (key %s) is not a string", path, i, v,
                                 key->string);
    }
    for (size_t i = 0; i < seeds->count; i++)
        if (seeds->items[i]->type != WK_JSON_STRING)
            return wk_errorf(WK_EINVAL, "%s: damaged sweep record: seeds[%zu] is not a string", path, i);
    for (size_t i = 0; i < set->count; i++)
        if (set->items[i]->type != WK_JSON_STRING)
            return wk_errorf(WK_EINVAL, "%s: damaged sweep record: settings.%s is not a string", path, set->keys[i]);
    return WK_OK;
}

int wk_sweep_check_dir(const wk_sweep_spec *s, int *exists) {
    char path[WK_GAN_STR + 32];
    snprintf(path, sizeof path, "%s/sweep.json", s->out);
    *exists = 0;
    if (access(path, F_OK)) return WK_OK;
    *exists = 1;
    wk_json *j = NULL;
    int rc = wk_json_parse_file(path, &j);
    if (rc) return wk_error_context(WK_EINVAL, "%s (the sweep directory's record)", path);
    wk_strbuf a, b;
    wk_sb_init(&a);
    wk_sb_init(&b);
    const wk_json *fmt = wk_json_get(j, "format"), *grid = wk_json_get(j, "grid"), *seeds = wk_json_get(j, "seeds"),
                  *set = wk_json_get(j, "settings");
    if (!fmt || fmt->type != WK_JSON_STRING || strcmp(fmt->string, SWEEP_FORMAT) || !grid || grid->type != WK_JSON_ARRAY || !seeds ||
        seeds->type != WK_JSON_ARRAY || !set || set->type != WK_JSON_OBJECT) {
        rc = wk_errorf(WK_EINVAL, "%s: not a %s record (format, grid, seeds, settings)", path, SWEEP_FORMAT);
        goto done;
    }
    if ((rc = record_types(path, grid, seeds, set)) != 0) goto done;
    /* grid: keys in order, then values */
    for (size_t i = 0; i < grid->count || (int)i < s->n_axes; i++) {
        const wk_json *ax = i < grid->count ? grid->items[i] : NULL;
        const char *k = ax ? wk_json_get(ax, "key")->string : NULL; /* a string: record_types */
        if ((int)i >= s->n_axes) {
            rc = differ(path, "grid key %s there, not in this command", k);
            goto done;
        }
        if (!k) {
            rc = differ(path, "grid key %s in this command, not there", s->axes[i].key);
            goto done;
        }
        if (strcmp(k, s->axes[i].key)) {
            rc = differ(path, "grid key %d is %s there, %s now", (int)i + 1, k, s->axes[i].key);
            goto done;
        }
        wk_sb_clear(&a);
        wk_sb_clear(&b);
        list_json(&a, wk_json_get(ax, "values"));
        for (int v = 0; v < s->axes[i].n; v++) {
            if (v) wk_sb_putc(&b, ',');
            wk_sb_puts(&b, s->axes[i].values[v]);
        }
        if (strcmp(a.data ? a.data : "", b.data ? b.data : "")) {
            rc = differ(path, "grid key %s: values %s there, %s now", k, a.data ? a.data : "", b.data ? b.data : "");
            goto done;
        }
    }
    wk_sb_clear(&a);
    wk_sb_clear(&b);
    list_json(&a, seeds);
    for (int i = 0; i < s->n_seeds; i++) wk_sb_printf(&b, "%s%" PRIu64, i ? "," : "", s->seeds[i]);
    if (strcmp(a.data ? a.data : "", b.data ? b.data : "")) {
        rc = differ(path, "seeds %s there, %s now", a.data ? a.data : "", b.data ? b.data : "");
        goto done;
    }
    char buf[WK_GAN_STR];
    for (int i = 0; i < s->n_settings; i++) {
        const wk_json *v = wk_json_get(set, s->settings[i].key);
        wk__sweep_resolved(&s->settings[i], buf, sizeof buf);
        if (!v) {
            rc = differ(path, "setting %s = %s now, not set there", s->settings[i].key, buf);
            goto done;
        }
        if (strcmp(v->string, buf)) {
            rc = differ(path, "setting %s = %s there, %s now", s->settings[i].key, v->string, buf);
            goto done;
        }
    }
    for (size_t i = 0; i < set->count; i++) {
        int found = 0;
        for (int k = 0; k < s->n_settings && !found; k++) found = !strcmp(set->keys[i], s->settings[k].key);
        if (!found) {
            const wk_json *v = set->items[i];
            rc = differ(path, "setting %s = %s there, not set now", set->keys[i], v->string);
            goto done;
        }
    }
done:
    wk_sb_free(&a);
    wk_sb_free(&b);
    wk_json_free(j);
    return rc;
}

/* ---- a point's state ----------------------------------------------------------------------- */
static int file_exists(const char *path) {
    return access(path, F_OK) == 0;
}

int wk__sweep_last_line(const char *path, char *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    buf[0] = 0;
    if (!f) return wk_errorf(WK_EIO, "cannot open %s: %s", path, strerror(errno));
    long size = 0;
    if (!fseek(f, 0, SEEK_END)) size = ftell(f);
    long from = size > (long)cap - 1 ? size - (long)cap + 1 : 0;
    fseek(f, from, SEEK_SET);
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = 0;
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) buf[--n] = 0;
    char *nl = strrchr(buf, '\n');
    if (nl) memmove(buf, nl + 1, strlen(nl + 1) + 1);
    else if (from > 0) buf[0] = 0; /* a line longer than the buffer: not read */
    return WK_OK;
}

static double num_or(const wk_json *o, const char *key, double dflt) {
    const wk_json *v = wk_json_get(o, key);
    return v && v->type == WK_JSON_NUMBER ? v->number : dflt;
}

int wk_sweep_point_result(const wk_sweep_spec *s, const wk_sweep_point *p, wk_sweep_result *r) {
    memset(r, 0, sizeof *r);
    r->failed_step = -1;
    r->wall_s = NAN;
    char dir[WK_GAN_STR], path[WK_GAN_STR + 32];
    int rc = wk_sweep_point_dir(s, p, dir, sizeof dir);
    if (rc) return rc;
    snprintf(path, sizeof path, "%s/point.json", dir);
    if (!file_exists(path)) {
        snprintf(path, sizeof path, "%s/checkpoint.safetensors", dir);
        r->state = file_exists(path) ? WK_POINT_PARTIAL : file_exists(dir) ? WK_POINT_STARTED : WK_POINT_NEW;
        return WK_OK;
    }
    wk_json *j = NULL;
    if ((rc = wk_json_parse_file(path, &j))) return rc;
    const wk_json *st = wk_json_get(j, "status"), *msg = wk_json_get(j, "message");
    if (!st || st->type != WK_JSON_STRING || (strcmp(st->string, "done") && strcmp(st->string, "failed"))) {
        wk_json_free(j);
        return wk_errorf(WK_EFORMAT, "%s: \"status\" must be \"done\" or \"failed\"", path);
    }
    r->state = !strcmp(st->string, "done") ? WK_POINT_DONE : WK_POINT_FAILED;
    r->exit_code = (int)num_or(j, "exit", 0);
    r->signal = (int)num_or(j, "signal", 0);
    r->failed_step = (int64_t)num_or(j, "failed_step", -1);
    r->wall_s = num_or(j, "wall_s", NAN);
    if (msg && msg->type == WK_JSON_STRING) snprintf(r->message, sizeof r->message, "%s", msg->string);
    wk_json_free(j);
    if (r->state != WK_POINT_DONE) return WK_OK;
    snprintf(path, sizeof path, "%s/metrics.jsonl", dir);
    if (!file_exists(path)) return WK_OK; /* a run without evaluations */
    char *line = wk_malloc(WK_SWEEP_LINE);
    if (!line) return WK_ENOMEM;
    rc = wk__sweep_last_line(path, line, WK_SWEEP_LINE);
    if (!rc && line[0]) {
        rc = wk_json_parse(line, strlen(line), path, &r->metrics);
        if (!rc && r->metrics->type != WK_JSON_OBJECT) rc = wk_errorf(WK_EFORMAT, "%s: the last line is not an object", path);
    }
    wk_free(line);
    if (rc) wk_sweep_result_free(r);
    return rc;
}

void wk_sweep_result_free(wk_sweep_result *r) {
    wk_json_free(r->metrics);
    r->metrics = NULL;
}

/* "step N" in a train error message ("step 37: loss_d is nan ..."): N, else -1. */
static int64_t step_of(const char *msg) {
    for (const char *p = strstr(msg, "step "); p; p = strstr(p + 1, "step ")) {
        char *end;
        long long v = strtoll(p + 5, &end, 10);
        if (end != p + 5 && *end == ':') return v;
    }
    return -1;
}

int wk__sweep_record(const wk_sweep_spec *s, const wk_sweep_point *p, const wk_sweep_outcome *o, int *failed) {
    char dir[WK_GAN_STR], path[WK_GAN_STR + 32];
    int rc = wk_sweep_point_dir(s, p, dir, sizeof dir);
    if (rc) return rc;
    char msg[512] = "";
    *failed = o->exit_code != 0;
    int64_t fstep = -1;
    if (*failed) {
        if (o->signal) snprintf(msg, sizeof msg, "killed by signal %d (%s)", o->signal, strsignal(o->signal));
        else {
            /* the child's last error line: "wgankit train: <why>" */
            char *buf = wk_malloc(WK_SWEEP_LINE);
            if (!buf) return WK_ENOMEM;
            snprintf(path, sizeof path, "%s/train.log", dir);
            FILE *f = fopen(path, "rb");
            if (f) {
                while (fgets(buf, WK_SWEEP_LINE, f))
                    if (!strncmp(buf, "wgankit ", 8)) {
                        buf[strcspn(buf, "\n")] = 0;
                        snprintf(msg, sizeof msg, "%s", buf);
                    }
                fclose(f);
            }
            wk_free(buf);
            if (!msg[0]) snprintf(msg, sizeof msg, "train exited with status %d", o->exit_code);
            fstep = step_of(msg);
        }
    }
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_sb_putc(&sb, '{');
    wk_json_key(&sb, "status");
    wk_json_string(&sb, *failed ? "failed" : "done");
    wk_json_key(&sb, "exit");
    wk_json_int(&sb, o->exit_code);
    wk_json_key(&sb, "signal");
    wk_json_int(&sb, o->signal);
    wk_json_key(&sb, "failed_step");
    if (fstep >= 0) wk_json_int(&sb, fstep);
    else wk_sb_puts(&sb, "null");
    wk_json_key(&sb, "message");
    wk_json_string(&sb, msg);
    wk_json_key(&sb, "wall_s");
    wk_json_double(&sb, o->wall_s);
    wk_sb_puts(&sb, "}\n");
    snprintf(path, sizeof path, "%s/point.json", dir);
    rc = wk_sb_status(&sb) ? wk_sb_status(&sb) : wk_write_file_atomic(path, sb.data, sb.len);
    wk_sb_free(&sb);
    return rc;
}
