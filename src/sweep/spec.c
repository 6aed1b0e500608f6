/* spec.c — a sweep's spec and plan (sweep.h): grid axes, fixed settings and seeds, checked
 * with the settings table of gan.h; the point <-> index mapping (mixed radix, first axis
 * slowest, seed fastest), stable point names and the train argument vector of a point.
 *
 * Invariant: nothing here allocates per point of the plan; a point is computed from its index,
 * so a grid of millions of points costs the controller no memory (issue 17, acceptance 4). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sweep/sweep_internal.h"
#include "wgankit/error.h"
#include "wgankit/sweep.h"
#include "wgankit/tensor.h"

/* Keys the sweep owns itself: they are not settings of a point's result, or they are set per point. */
static const char *reserved_why(const char *key) {
    if (!strcmp(key, "seed")) return "use --seeds for a list of seeds";
    if (!strcmp(key, "out")) return "each point's run directory is <sweep --out>/runs/<point>";
    if (!strcmp(key, "threads")) return "threads are not a grid axis (set --threads for every point)";
    if (!strcmp(key, "progress")) return "the sweep sets each point's progress output";
    return NULL;
}

static char *dup_str(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = wk_malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

void wk_sweep_spec_init(wk_sweep_spec *s) {
    memset(s, 0, sizeof *s);
    snprintf(s->plot_metric, sizeof s->plot_metric, "w1");
    s->progress = -1;
}

void wk_sweep_spec_free(wk_sweep_spec *s) {
    for (int a = 0; a < s->n_axes; a++) {
        for (int i = 0; i < s->axes[a].n; i++) wk_free(s->axes[a].values[i]);
        wk_free(s->axes[a].values);
    }
    for (int i = 0; i < s->n_settings; i++) wk_free(s->settings[i].value);
    wk_free(s->settings);
    wk_free(s->seeds);
    wk_sweep_spec_init(s);
}

/* The canonical key of a setting in either spelling, or an error naming `what`. */
static int canonical_key(const char *name, const char *what, const wk_gan_setting **out) {
    const wk_gan_setting *st = wk_gan_setting_find(name);
    if (!st) return wk_errorf(WK_EINVAL, "%s: unknown setting '%s' (see wgankit train --help)", what, name);
    if (strlen(st->name) >= WK_SWEEP_KEY) return wk_errorf(WK_EINTERNAL, "setting name %s too long", st->name);
    *out = st;
    return WK_OK;
}

static int key_used(const wk_sweep_spec *s, const char *key) {
    for (int a = 0; a < s->n_axes; a++)
        if (!strcmp(s->axes[a].key, key)) return 1;
    for (int i = 0; i < s->n_settings; i++)
        if (!strcmp(s->settings[i].key, key)) return 2;
    return 0;
}

/* Does `value` pass the setting's own check? (on a default config) */
static int check_value(const char *key, const char *value, const char *what) {
    wk_gan_config c;
    wk_gan_config_default(&c);
    int rc = wk_gan_config_set(&c, key, value);
    if (rc) return wk_error_context(rc, "%s", what);
    return WK_OK;
}

int wk_sweep_spec_add_axis(wk_sweep_spec *s, const char *arg) {
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) return wk_errorf(WK_EINVAL, "--grid %s: expected KEY=V1,V2,...", arg);
    char key[WK_SWEEP_KEY * 2];
    size_t kl = (size_t)(eq - arg);
    if (kl >= sizeof key) return wk_errorf(WK_EINVAL, "--grid %.40s...: key too long", arg);
    memcpy(key, arg, kl);
    key[kl] = 0;
    char what[160];
    snprintf(what, sizeof what, "--grid %s", key);
    const wk_gan_setting *st = NULL;
    int rc = canonical_key(key, what, &st);
    if (rc) return rc;
    const char *why = reserved_why(st->name);
    if (why) return wk_errorf(WK_EINVAL, "--grid %s: not a grid key (%s)", key, why);
    int used = key_used(s, st->name);
    if (used) return wk_errorf(WK_EINVAL, "--grid %s: %s is already %s", key, st->name, used == 1 ? "a grid key (give its values in one --grid)" : "a fixed setting");
    if (s->n_axes >= WK_SWEEP_MAX_AXES) return wk_errorf(WK_EINVAL, "--grid %s: at most %d grid keys", key, WK_SWEEP_MAX_AXES);
    const char *list = eq + 1;
    if (!*list) return wk_errorf(WK_EINVAL, "--grid %s: empty list of values", key);
    wk_sweep_axis ax = {0};
    snprintf(ax.key, sizeof ax.key, "%s", st->name);
    int cap = 0;
    char(*resolved)[WK_GAN_STR] = NULL; /* [cap] each value as the setting holds it */
    /* values holding commas (data=gmm:k=3,sigma=0.1) are separated by ';' instead, as
     * experiment --targets: a list with a ';' is split at ';' only */
    char sep = strchr(list, ';') ? ';' : ',';
    for (const char *p = list;;) {
        const char *c = strchr(p, sep);
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n == 0) {
            rc = wk_errorf(WK_EINVAL, "--grid %s: an empty value in '%s'", key, list);
            goto fail;
        }
        if (ax.n >= WK_SWEEP_MAX_VALUES) {
            rc = wk_errorf(WK_EINVAL, "--grid %s: more than %d values", key, WK_SWEEP_MAX_VALUES);
            goto fail;
        }
        if (n >= WK_GAN_STR) {
            rc = wk_errorf(WK_EINVAL, "--grid %s: a value longer than %d bytes", key, WK_GAN_STR - 1);
            goto fail;
        }
        char *v = wk_malloc(n + 1);
        if (!v) {
            rc = WK_ENOMEM;
            goto fail;
        }
        memcpy(v, p, n);
        v[n] = 0;
        snprintf(what, sizeof what, "--grid %s=...%s...", key, v);
        if (sep == ',' && !strcmp(st->name, "data") && strchr(v, '=') && !strchr(v, ':') && access(v, F_OK)) {
            /* an option of the previous value cut off at its comma (gmm:k=3,sigma=0.1 -> "sigma=0.1") */
            rc = wk_errorf(WK_EINVAL, "--grid %s: '%s' is not a data spec: values are split at commas; separate values with ';' "
                                      "when one holds commas (--grid 'data=gmm:k=3,sigma=0.1;ring')", key, v);
            wk_free(v);
            goto fail;
        }
        if ((rc = check_value(st->name, v, what))) {
            wk_free(v);
            goto fail;
        }
        if (ax.n == cap) {
            cap = cap ? 2 * cap : 8;
            char **nv = wk_realloc(ax.values, (size_t)cap * sizeof *nv);
            char(*nr)[WK_GAN_STR] = nv ? wk_realloc(resolved, (size_t)cap * sizeof *nr) : NULL;
            if (nv) ax.values = nv;
            if (nr) resolved = nr;
            if (!nv || !nr) {
                wk_free(v);
                rc = WK_ENOMEM;
                goto fail;
            }
        }
        /* repeated values are compared as the setting holds them (1e-4 and 0.0001, 1 and 01 and +1
         * are one setting), not as text: two points would run the same configuration */
        wk_sweep_setting probe = {.value = v};
        snprintf(probe.key, sizeof probe.key, "%s", st->name);
        wk__sweep_resolved(&probe, resolved[ax.n], sizeof resolved[ax.n]);
        for (int i = 0; i < ax.n; i++)
            if (!strcmp(resolved[i], resolved[ax.n])) {
                if (!strcmp(ax.values[i], v)) rc = wk_errorf(WK_EINVAL, "--grid %s: value '%s' given twice", key, v);
                else
                    rc = wk_errorf(WK_EINVAL, "--grid %s: value %s given twice (as '%s' and '%s')", key, resolved[i], ax.values[i], v);
                wk_free(v);
                goto fail;
            }
        ax.values[ax.n++] = v;
        if (!c) break;
        p = c + 1;
    }
    s->axes[s->n_axes++] = ax;
    wk_free(resolved);
    return WK_OK;
fail:
    wk_free(resolved);
    for (int i = 0; i < ax.n; i++) wk_free(ax.values[i]);
    wk_free(ax.values);
    return rc;
}

int wk_sweep_spec_set_seeds(wk_sweep_spec *s, const char *list) {
    if (!*list) return wk_errorf(WK_EINVAL, "--seeds: empty list");
    uint64_t *seeds = NULL;
    int n = 0, cap = 0, rc = WK_OK;
    for (const char *p = list;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        char item[32];
        if (len == 0 || len >= sizeof item) {
            rc = wk_errorf(WK_EINVAL, "--seeds %s: '%.*s' is not a seed (integers 0..2^63-1, comma-separated)", list, (int)(len > 40 ? 40 : len), p);
            goto fail;
        }
        memcpy(item, p, len);
        item[len] = 0;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(item, &end, 10);
        if (!isdigit((unsigned char)item[0]) || *end || errno || v > (unsigned long long)INT64_MAX) {
            rc = wk_errorf(WK_EINVAL, "--seeds %s: '%s' is not a seed (integers 0..2^63-1, comma-separated)", list, item);
            goto fail;
        }
        for (int i = 0; i < n; i++)
            if (seeds[i] == v) {
                rc = wk_errorf(WK_EINVAL, "--seeds %s: seed %s given twice", list, item);
                goto fail;
            }
        if (n >= WK_SWEEP_MAX_VALUES) {
            rc = wk_errorf(WK_EINVAL, "--seeds: more than %d seeds", WK_SWEEP_MAX_VALUES);
            goto fail;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            uint64_t *ns = wk_realloc(seeds, (size_t)cap * sizeof *ns);
            if (!ns) {
                rc = WK_ENOMEM;
                goto fail;
            }
            seeds = ns;
        }
        seeds[n++] = v;
        if (!c) break;
        p = c + 1;
    }
    wk_free(s->seeds);
    s->seeds = seeds;
    s->n_seeds = n;
    return WK_OK;
fail:
    wk_free(seeds);
    return rc;
}

int wk_sweep_spec_set(wk_sweep_spec *s, const char *name, const char *value) {
    char what[160];
    snprintf(what, sizeof what, "--%s", name);
    const wk_gan_setting *st = NULL;
    int rc = canonical_key(name, what, &st);
    if (rc) return rc;
    if ((rc = check_value(st->name, value, what))) return rc;
    if (!strcmp(st->name, "out")) return wk_errorf(WK_EINVAL, "--out is the sweep directory, set once");
    if (!strcmp(st->name, "threads")) {
        wk_gan_config c;
        wk_gan_config_default(&c);
        wk_gan_config_set(&c, "threads", value);
        s->threads = c.threads;
        return WK_OK;
    }
    if (!strcmp(st->name, "progress")) return WK_OK; /* points always log plain lines into train.log */
    if (!strcmp(st->name, "seed")) return wk_sweep_spec_set_seeds(s, value);
    int used = key_used(s, st->name);
    if (used == 1) return wk_errorf(WK_EINVAL, "--%s: %s is a grid key", name, st->name);
    if (used == 2) { /* a later flag wins, as in train */
        for (int i = 0; i < s->n_settings; i++)
            if (!strcmp(s->settings[i].key, st->name)) {
                char *v = dup_str(value);
                if (!v) return WK_ENOMEM;
                wk_free(s->settings[i].value);
                s->settings[i].value = v;
            }
        return WK_OK;
    }
    wk_sweep_setting *ns = wk_realloc(s->settings, (size_t)(s->n_settings + 1) * sizeof *ns);
    if (!ns) return WK_ENOMEM;
    s->settings = ns;
    wk_sweep_setting *set = &s->settings[s->n_settings];
    snprintf(set->key, sizeof set->key, "%s", st->name);
    if (!(set->value = dup_str(value))) return WK_ENOMEM;
    s->n_settings++;
    return WK_OK;
}

int64_t wk_sweep_n_points(const wk_sweep_spec *s) {
    int64_t n = s->n_seeds;
    for (int a = 0; a < s->n_axes; a++) {
        if (n > WK_SWEEP_MAX_POINTS) return n; /* no overflow: each factor is <= WK_SWEEP_MAX_VALUES */
        n *= s->axes[a].n;
    }
    return n;
}

/* Digits of the largest index, so that names sort in plan order. */
static int index_width(const wk_sweep_spec *s) {
    int64_t n = wk_sweep_n_points(s);
    int w = 1;
    for (int64_t m = n > 0 ? n - 1 : 0; m >= 10; m /= 10) w++;
    return w < 4 ? 4 : w;
}

/* Characters outside [A-Za-z0-9._=+-] become ~XX (their byte in hex; '~' itself too), so a
 * name keeps its value: lr_d=1e+1 stays 1e+1 and data=a:b (a~3Ab) is not data=a-b. Older
 * versions (legacy) mapped every such character, '+' included, to '-' (lr_d=1e+1 was named
 * lr_d=1e-1, a different value). A character is never cut in half at the end of the name. */
static void append_clean(char *buf, size_t cap, size_t *len, const char *s, int legacy) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int keep = isalnum(c) || c == '.' || c == '_' || c == '=' || c == '-' || (c == '+' && !legacy);
        if (keep || legacy) {
            if (*len + 1 >= cap) break;
            buf[(*len)++] = keep ? (char)c : '-';
        } else {
            if (*len + 3 >= cap) break;
            *len += (size_t)snprintf(buf + *len, 4, "~%02X", c);
        }
    }
    buf[*len] = 0;
}

static void point_name(const wk_sweep_spec *s, const wk_sweep_point *p, int legacy, char *name, size_t n) {
    char tmp[WK_GAN_STR + WK_SWEEP_KEY + 8];
    size_t len = (size_t)snprintf(name, n, "p%0*lld", index_width(s), (long long)p->index);
    for (int a = 0; a < s->n_axes; a++) {
        snprintf(tmp, sizeof tmp, "_%s=%s", s->axes[a].key, s->axes[a].values[p->value[a]]);
        append_clean(name, n, &len, tmp, legacy);
    }
    snprintf(tmp, sizeof tmp, "_seed=%" PRIu64, p->seed);
    append_clean(name, n, &len, tmp, legacy);
}

void wk__sweep_legacy_name(const wk_sweep_spec *s, const wk_sweep_point *p, char *name, size_t n) { point_name(s, p, 1, name, n); }

int wk_sweep_point_at(const wk_sweep_spec *s, int64_t index, wk_sweep_point *p) {
    int64_t n = wk_sweep_n_points(s);
    if (index < 0 || index >= n) return wk_errorf(WK_EINVAL, "sweep point %lld out of range (the plan has %lld)", (long long)index, (long long)n);
    memset(p, 0, sizeof *p);
    p->index = index;
    int64_t r = index;
    p->seed = s->seeds[r % s->n_seeds];
    r /= s->n_seeds;
    for (int a = s->n_axes - 1; a >= 0; a--) {
        p->value[a] = (int)(r % s->axes[a].n);
        r /= s->axes[a].n;
    }
    point_name(s, p, 0, p->name, sizeof p->name);
    return WK_OK;
}

int wk_sweep_point_dir(const wk_sweep_spec *s, const wk_sweep_point *p, char *buf, size_t n) {
    int w = snprintf(buf, n, "%s/runs/%s", s->out, p->name);
    if (w < 0 || (size_t)w >= n) return wk_errorf(WK_EINVAL, "--out %s: path of point %s too long", s->out, p->name);
    return WK_OK;
}

static int point_threads(const wk_sweep_spec *s, int threads) {
    return s->threads > 0 ? s->threads : threads > 0 ? threads : 1;
}

int wk_sweep_point_config(const wk_sweep_spec *s, const wk_sweep_point *p, int threads, wk_gan_config *cfg) {
    wk_gan_config_default(cfg);
    int rc;
    for (int i = 0; i < s->n_settings; i++)
        if ((rc = wk_gan_config_set(cfg, s->settings[i].key, s->settings[i].value))) return wk_error_context(rc, "--%s", s->settings[i].key);
    for (int a = 0; a < s->n_axes; a++)
        if ((rc = wk_gan_config_set(cfg, s->axes[a].key, s->axes[a].values[p->value[a]])))
            return wk_error_context(rc, "--grid %s", s->axes[a].key);
    cfg->seed = p->seed;
    cfg->threads = point_threads(s, threads);
    char dir[WK_GAN_STR];
    if ((rc = wk_sweep_point_dir(s, p, dir, sizeof dir))) return rc;
    snprintf(cfg->out, sizeof cfg->out, "%s", dir);
    if ((rc = wk_gan_config_validate(cfg)) || (rc = wk_dataset_check(cfg))) {
        char desc[512];
        size_t len = 0;
        desc[0] = 0;
        for (int a = 0; a < s->n_axes && len < sizeof desc; a++)
            len += (size_t)snprintf(desc + len, sizeof desc - len, "%s%s=%s", a ? ", " : "", s->axes[a].key, s->axes[a].values[p->value[a]]);
        return wk_error_context(rc, "grid point %s", s->n_axes ? desc : p->name);
    }
    return WK_OK;
}

int wk_sweep_spec_validate(wk_sweep_spec *s) {
    if (!s->out[0]) return wk_errorf(WK_EINVAL, "--out DIR is required (the sweep directory)");
    if (s->n_seeds == 0) {
        wk_gan_config c;
        wk_gan_config_default(&c);
        char v[32];
        snprintf(v, sizeof v, "%" PRIu64, c.seed);
        int rc = wk_sweep_spec_set_seeds(s, v);
        if (rc) return rc;
    }
    int64_t n = wk_sweep_n_points(s);
    if (n > WK_SWEEP_MAX_POINTS) return wk_errorf(WK_EINVAL, "the grid has more than %d points", WK_SWEEP_MAX_POINTS);
    /* Every point's config, not only each value alone: cross-setting rules (gan.h) depend on
     * the combination. Only the grid values vary, so one point per combination of grid values
     * (seed 0's points) covers them all. */
    int mix = 1;
    for (int64_t i = 0; i < n; i += s->n_seeds) {
        wk_sweep_point p;
        wk_gan_config cfg;
        int rc = wk_sweep_point_at(s, i, &p);
        if (!rc) rc = wk_sweep_point_config(s, &p, 1, &cfg);
        if (rc) return rc;
        /* known before any point starts: a point is one process, never the ranks of a launcher */
        if (cfg.data_parallel)
            return wk_errorf(WK_EINVAL, "data_parallel 1: a sweep's points are single processes (under mpirun the ranks "
                                        "run whole points), so data-parallel training cannot run in a sweep; --data-shards K "
                                        "draws the same batches in one process");
        if (cfg.mix > mix) mix = cfg.mix;
    }
    /* the plot's metric is checked now, not after every point has trained */
    return wk__sweep_plot_metric_check(s->plot_metric, mix);
}

/* ---- argument vectors ----------------------------------------------------------------------- */
static int exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

int wk_sweep_point_argv(const wk_sweep_spec *s, const wk_sweep_point *p, int threads, wk_sweep_argv *out) {
    out->argc = 0;
    out->argv = NULL;
    char dir[WK_GAN_STR], path[WK_GAN_STR + 32], seed[32], thr[16];
    int rc = wk_sweep_point_dir(s, p, dir, sizeof dir);
    if (rc) return rc;
    snprintf(seed, sizeof seed, "%" PRIu64, p->seed);
    snprintf(thr, sizeof thr, "%d", point_threads(s, threads));
    snprintf(path, sizeof path, "%s/checkpoint.safetensors", dir);
    int resume = exists(path), force = !resume && exists(dir);
    /* items: flag names as "--key" with '_' -> '-' */
    int max = 2 * (s->n_settings + s->n_axes) + 12;
    const char *items[2 * (WK_SWEEP_MAX_AXES) + 12];
    const char **it = max <= (int)(sizeof items / sizeof *items) ? items : wk_malloc((size_t)max * sizeof *it);
    if (!it) return WK_ENOMEM;
    int n = 0;
    /* one flag buffer per key: "--" + key */
    size_t bytes = 0;
    it[n++] = "train";
    if (resume) it[n++] = "--resume", it[n++] = dir;
    else if (force) it[n++] = "--force";
    for (int i = 0; i < s->n_settings; i++) it[n++] = s->settings[i].key, it[n++] = s->settings[i].value;
    for (int a = 0; a < s->n_axes; a++) it[n++] = s->axes[a].key, it[n++] = s->axes[a].values[p->value[a]];
    it[n++] = "seed", it[n++] = seed;
    it[n++] = "threads", it[n++] = thr;
    it[n++] = "progress", it[n++] = "0";
    it[n++] = "out", it[n++] = dir;
    int first_kv = resume ? 3 : force ? 2 : 1;
    for (int i = 0; i < n; i++) bytes += strlen(it[i]) + 3;
    char **argv = wk_malloc((size_t)(n + 1) * sizeof *argv + bytes);
    if (!argv) {
        if (it != items) wk_free(it);
        return WK_ENOMEM;
    }
    char *q = (char *)(argv + n + 1);
    for (int i = 0; i < n; i++) {
        argv[i] = q;
        int is_key = i >= first_kv && (i - first_kv) % 2 == 0;
        if (is_key) {
            *q++ = '-', *q++ = '-';
            for (const char *c = it[i]; *c; c++) *q++ = *c == '_' ? '-' : *c;
            *q++ = 0;
        } else {
            size_t l = strlen(it[i]) + 1;
            memcpy(q, it[i], l);
            q += l;
        }
    }
    argv[n] = NULL;
    if (it != items) wk_free(it);
    out->argc = n;
    out->argv = argv;
    return WK_OK;
}

void wk_sweep_argv_free(wk_sweep_argv *a) {
    wk_free(a->argv);
    a->argv = NULL;
    a->argc = 0;
}
