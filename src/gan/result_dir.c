/* result_dir.c — result_dir.h: which command's work a directory holds (its wgankit-dir.json, or
 * an older version's files), and the refusal of a directory holding another's. The marker is
 * written atomically and only where none is, so a directory's first owner keeps it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/result_dir.h"

#define MARKER_MAX 65536 /* a marker holds a name and a few knobs: anything larger is not one */

static const char *const kind_names[] = {"free", "run", "sweep", "experiment", "birthday", "generalization"};

static int exists(const char *dir, const char *name) {
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) return 0;
    return !access(path, F_OK);
}

/* An older experiment's name: the first line of its SUMMARY.md, "# NAME: title". */
static void summary_name(const char *dir, char *name, size_t n) {
    char path[4096], line[256];
    name[0] = 0;
    if ((size_t)snprintf(path, sizeof path, "%s/SUMMARY.md", dir) >= sizeof path) return;
    FILE *f = fopen(path, "r");
    if (!f) return;
    if (fgets(line, sizeof line, f) && line[0] == '#' && line[1] == ' ') {
        size_t k = strcspn(line + 2, ": \n");
        if (line[2 + k] == ':' && k > 0 && k < n) memcpy(name, line + 2, k), name[k] = 0;
    }
    fclose(f);
}

static int read_marker(const char *dir, const char *path, wk_dir_holds *h) {
    struct stat st;
    if (stat(path, &st)) return wk_errorf(WK_EIO, "%s: cannot read: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode) || st.st_size > MARKER_MAX)
        return wk_errorf(WK_EFORMAT, "%s: not a wgankit directory marker (not a file of at most %d bytes)", path, MARKER_MAX);
    wk_json *m = NULL;
    int rc = wk_json_parse_file(path, &m);
    if (rc) return rc;
    const wk_json *k = wk_json_get(m, "kind"), *nm = wk_json_get(m, "name"), *id = wk_json_get(m, "identity");
    int kind = -1;
    for (int i = WK_DIR_RUN; k && k->type == WK_JSON_STRING && i <= WK_DIR_GENERALIZATION; i++)
        if (!strcmp(k->string, kind_names[i])) kind = i;
    if (kind < 0)
        rc = wk_errorf(WK_EFORMAT, "%s: \"kind\" must be \"run\", \"sweep\", \"experiment\", \"birthday\" or \"generalization\"", path);
    else if (nm && (nm->type != WK_JSON_STRING || nm->string_len >= sizeof h->name || strlen(nm->string) != nm->string_len))
        rc = wk_errorf(WK_EFORMAT, "%s: \"name\" must be a string of fewer than %zu bytes", path, sizeof h->name);
    else if (id && id->type != WK_JSON_OBJECT) rc = wk_errorf(WK_EFORMAT, "%s: \"identity\" must be an object", path);
    for (size_t i = 0; !rc && id && i < id->count; i++)
        if (id->items[i]->type != WK_JSON_STRING) rc = wk_errorf(WK_EFORMAT, "%s: identity \"%s\" must be a string", path, id->keys[i]);
    if (rc) {
        wk_json_free(m);
        return rc;
    }
    h->kind = (wk_dir_kind)kind, h->marked = 1;
    snprintf(h->file, sizeof h->file, "%s", WK_DIR_MARKER);
    if (nm) snprintf(h->name, sizeof h->name, "%s", nm->string);
    if (id) { /* keep only the identity: detach it from the document */
        for (size_t i = 0; i < m->count; i++)
            if (m->items[i] == id) m->items[i] = NULL;
        h->identity = (wk_json *)id;
    }
    wk_json_free(m);
    (void)dir;
    return WK_OK;
}

int wk_result_dir_read(const char *dir, wk_dir_holds *h) {
    memset(h, 0, sizeof *h);
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, WK_DIR_MARKER) >= sizeof path)
        return wk_errorf(WK_EINVAL, "%s: path too long", dir);
    if (!access(path, F_OK)) return read_marker(dir, path, h);
    /* an older version's directory, by the files its command wrote first */
    static const char *const run_files[] = {"checkpoint.safetensors", "config.json", "metrics.jsonl"};
    for (size_t i = 0; i < sizeof run_files / sizeof run_files[0]; i++)
        if (exists(dir, run_files[i])) {
            h->kind = WK_DIR_RUN;
            snprintf(h->file, sizeof h->file, "%s", run_files[i]);
            return WK_OK;
        }
    if (exists(dir, "sweep.json")) {
        h->kind = WK_DIR_SWEEP;
        snprintf(h->file, sizeof h->file, "sweep.json");
    } else if (exists(dir, "results.csv") && exists(dir, "SUMMARY.md")) {
        h->kind = WK_DIR_EXPERIMENT;
        snprintf(h->file, sizeof h->file, "SUMMARY.md");
        summary_name(dir, h->name, sizeof h->name);
    } else if (exists(dir, "birthday.json")) {
        h->kind = WK_DIR_BIRTHDAY;
        snprintf(h->file, sizeof h->file, "birthday.json");
    } else if (exists(dir, "table.json")) {
        h->kind = WK_DIR_GENERALIZATION;
        snprintf(h->file, sizeof h->file, "table.json");
    }
    return WK_OK;
}

void wk_result_dir_free(wk_dir_holds *h) {
    wk_json_free(h->identity);
    h->identity = NULL;
}

/* "a training run (checkpoint.safetensors)", "the experiment arora-w1 (wgankit-dir.json)" */
static void describe(const wk_dir_holds *h, char *buf, size_t n) {
    if (h->kind == WK_DIR_RUN) snprintf(buf, n, "a training run (%s)", h->file);
    else if (h->kind == WK_DIR_SWEEP) snprintf(buf, n, "a sweep (%s)", h->file);
    else if (h->kind == WK_DIR_BIRTHDAY) snprintf(buf, n, "a birthday test (%s)", h->file);
    else if (h->kind == WK_DIR_GENERALIZATION) snprintf(buf, n, "a generalization table (%s)", h->file);
    else if (h->name[0]) snprintf(buf, n, "the experiment %s (%s)", h->name, h->file);
    else snprintf(buf, n, "an experiment (%s)", h->file);
}

int wk_result_dir_check(const char *dir, wk_dir_kind kind, const char *name, const char *const *identity, const char *flag) {
    wk_dir_holds h;
    int rc = wk_result_dir_read(dir, &h);
    if (rc) return rc;
    char what[160], mine[96];
    describe(&h, what, sizeof what);
    if (kind == WK_DIR_EXPERIMENT) snprintf(mine, sizeof mine, "the experiment %s", name ? name : "");
    else {
        static const char *const mine_names[] = {"", "a training run", "a sweep", "", "a birthday test", "a generalization table"};
        snprintf(mine, sizeof mine, "%s", mine_names[kind]);
    }
    if (h.kind != WK_DIR_FREE && h.kind != kind)
        rc = wk_errorf(WK_EINVAL, "%s %s holds %s: it would be overwritten by %s; choose another %s", flag, dir, what, mine, flag);
    else if (h.kind == WK_DIR_EXPERIMENT && name && strcmp(h.name, name))
        rc = wk_errorf(WK_EINVAL, "%s %s holds %s: it would be overwritten by %s; choose another %s", flag, dir, what, mine, flag);
    else if (h.kind == WK_DIR_EXPERIMENT && h.identity && identity) {
        /* the same experiment: every knob must match (a changed one would replace its results) */
        for (int i = 0; identity[i] && !rc; i += 2) {
            const wk_json *v = wk_json_get(h.identity, identity[i]);
            if (!v || strcmp(v->string, identity[i + 1]))
                rc = wk_errorf(WK_EINVAL, "%s %s holds %s with %s = %s, not %s: rerun with the same knobs to resume it, "
                                          "or choose another %s",
                               flag, dir, what, identity[i], v ? v->string : "(unset)", identity[i + 1], flag);
        }
        for (size_t i = 0; !rc && i < h.identity->count; i++) {
            int found = 0;
            for (int j = 0; identity[j] && !found; j += 2) found = !strcmp(identity[j], h.identity->keys[i]);
            if (!found)
                rc = wk_errorf(WK_EINVAL, "%s %s holds %s with %s = %s, unset now: rerun with the same knobs to resume it, "
                                          "or choose another %s",
                               flag, dir, what, h.identity->keys[i], h.identity->items[i]->string, flag);
        }
    }
    wk_result_dir_free(&h);
    return rc;
}

int wk_result_dir_claim(const char *dir, wk_dir_kind kind, const char *name, const char *const *identity, const char *flag) {
    int rc = wk_result_dir_check(dir, kind, name, identity, flag);
    char path[4096];
    if (rc) return rc;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, WK_DIR_MARKER) >= sizeof path)
        return wk_errorf(WK_EINVAL, "%s: path too long", dir);
    if (!access(path, F_OK)) return WK_OK;
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_sb_putc(&sb, '{');
    wk_json_key(&sb, "kind");
    wk_json_string(&sb, kind_names[kind]);
    if (kind == WK_DIR_EXPERIMENT) {
        wk_json_key(&sb, "name");
        wk_json_string(&sb, name ? name : "");
        wk_json_key(&sb, "identity");
        wk_sb_putc(&sb, '{');
        for (int i = 0; identity && identity[i]; i += 2) {
            wk_json_key(&sb, identity[i]);
            wk_json_string(&sb, identity[i + 1]);
        }
        wk_sb_putc(&sb, '}');
    }
    wk_sb_puts(&sb, "}\n");
    rc = wk_sb_status(&sb) ? wk_sb_status(&sb) : wk_write_file_atomic(path, sb.data, sb.len);
    wk_sb_free(&sb);
    return rc;
}

void wk_result_dir_release(const char *dir, int marker, const char *top) {
    char path[4096];
    if (marker && (size_t)snprintf(path, sizeof path, "%s/%s", dir, WK_DIR_MARKER) < sizeof path) unlink(path);
    size_t n = top ? strlen(top) : 0;
    if (!n || (size_t)snprintf(path, sizeof path, "%s", dir) >= sizeof path || strncmp(path, top, n)) return;
    /* from dir up to top (a prefix of dir), each only while empty: rmdir removes nothing else */
    for (size_t k = strlen(path); k >= n;) {
        while (k > n && path[k - 1] == '/') path[--k] = 0; /* "runs/a/" and "runs//a" */
        if (rmdir(path) || k == n) return;
        while (k > n && path[k - 1] != '/') path[--k] = 0;
    }
}
