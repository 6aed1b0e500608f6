/* registry.c — the table of experiments and their knobs: defaults per scale, overrides by name
 * (knobs, or any train setting for experiments that train), validation of every value before
 * anything runs, and the run itself (prepare, estimate, run). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/expt_internal.h"
#include "io/read_util.h"
#include "wgankit/error.h"
#include "wgankit/result_dir.h"

static const wk_experiment *const table[] = {&wk__expt_biau_equivalence, &wk__expt_biau_depth, &wk__expt_biau_sample_size, &wk__expt_arora_w1, &wk__expt_mixgan, &wk__expt_arora_birthday};

int wk_experiment_count(void) { return (int)(sizeof table / sizeof table[0]); }
const wk_experiment *wk_experiment_at(int i) { return i >= 0 && i < wk_experiment_count() ? table[i] : NULL; }
const wk_experiment *wk_experiment_find(const char *name) {
    for (int i = 0; i < wk_experiment_count(); i++)
        if (!strcmp(table[i]->name, name)) return table[i];
    return NULL;
}

int wk_expt_scale_parse(const char *s, wk_expt_scale *out) {
    if (!strcmp(s, "quick")) *out = WK_EXPT_QUICK;
    else if (!strcmp(s, "paper")) *out = WK_EXPT_PAPER;
    else return wk_errorf(WK_EINVAL, "--scale: '%s' is not quick or paper", s);
    return WK_OK;
}
const char *wk_expt_scale_name(wk_expt_scale s) { return s == WK_EXPT_PAPER ? "paper" : "quick"; }

void wk_expt_init(wk_expt_ctx *c, const wk_experiment *e, wk_expt_scale s) {
    memset(c, 0, sizeof *c);
    c->e = e;
    c->jobs = 1;
    snprintf(c->out, sizeof c->out, "experiments/%s", e->name);
    wk_expt_set_scale(c, s);
}

void wk_expt_set_scale(wk_expt_ctx *c, wk_expt_scale s) {
    c->scale = s;
    for (int k = 0; k < c->e->n_knobs; k++)
        if (!c->set_by_user[k])
            snprintf(c->value[k], WK_EXPT_VALUE, "%s", s == WK_EXPT_PAPER ? c->e->knobs[k].paper : c->e->knobs[k].quick);
}

/* "nnd-steps" and "nnd_steps" are one key */
static void canonical(const char *in, char *out, size_t n) {
    size_t i = 0;
    for (; in[i] && i + 1 < n; i++) out[i] = in[i] == '-' ? '_' : in[i];
    out[i] = 0;
}

static int knob_index(const wk_experiment *e, const char *key) {
    char k[64];
    canonical(key, k, sizeof k);
    for (int i = 0; i < e->n_knobs; i++)
        if (!strcmp(e->knobs[i].name, k)) return i;
    return -1;
}

const char *wk__expt_flag(const char *name, char *buf, size_t n) {
    snprintf(buf, n, "--%s", name);
    for (char *p = buf + 2; *p; p++)
        if (*p == '_') *p = '-';
    return buf;
}

/* Check one knob value: numbers in range, lists non-empty and without repeated values. */
static int check_knob(const wk_experiment *e, const wk_expt_knob *k, const char *v) {
    char flag[64];
    wk__expt_flag(k->name, flag, sizeof flag);
    if (k->kind == WK_KNOB_TEXT) {
        if (!*v) return wk_errorf(WK_EINVAL, "%s %s: empty value", e->name, flag);
        return WK_OK;
    }
    int list = k->kind == WK_KNOB_INTS || k->kind == WK_KNOB_FLOATS, integer = k->kind == WK_KNOB_INT || k->kind == WK_KNOB_INTS;
    const char *p = v;
    int n = 0;
    double seen[WK_EXPT_MAX_LIST];
    for (;;) {
        char *end;
        errno = 0;
        double x = strtod(p, &end);
        if (end == p || errno || !isfinite(x) || (*end && *end != ',') || wk_io_hex_text(p))
            return wk_errorf(WK_EINVAL, "%s %s: '%s' is not %s", e->name, flag, v,
                             list ? (integer ? "a list of integers" : "a list of numbers") : integer ? "an integer" : "a number");
        if (integer && x != floor(x)) return wk_errorf(WK_EINVAL, "%s %s: %s is not an integer", e->name, flag, v);
        if (x < k->lo || x > k->hi)
            return wk_errorf(WK_EINVAL, "%s %s: %g is outside [%g, %g]", e->name, flag, x, k->lo, k->hi);
        if (n == WK_EXPT_MAX_LIST) return wk_errorf(WK_EINVAL, "%s %s: more than %d values", e->name, flag, WK_EXPT_MAX_LIST);
        /* a repeated value would measure one point twice and draw it as two (as sweep --grid refuses) */
        for (int j = 0; j < n; j++)
            if (seen[j] == x) return wk_errorf(WK_EINVAL, "%s %s %s: value %g given twice", e->name, flag, v, x);
        seen[n++] = x;
        if (!*end) break;
        if (!list) return wk_errorf(WK_EINVAL, "%s %s: one value expected, got '%s'", e->name, flag, v);
        p = end + 1;
    }
    return WK_OK;
}

int wk_expt_set(wk_expt_ctx *c, const char *key, const char *value) {
    const wk_experiment *e = c->e;
    int i = knob_index(e, key);
    if (i >= 0) {
        if (strlen(value) >= WK_EXPT_VALUE) return wk_errorf(WK_EINVAL, "%s --%s: value too long", e->name, key);
        int rc = check_knob(e, &e->knobs[i], value);
        if (rc) return rc;
        snprintf(c->value[i], WK_EXPT_VALUE, "%s", value);
        c->set_by_user[i] = 1;
        return WK_OK;
    }
    const wk_gan_setting *s = wk_gan_setting_find(key);
    if (!s || !e->trains)
        return wk_errorf(WK_EINVAL, "%s: unknown setting '%s' (see wgankit experiment %s --help)", e->name, key, e->name);
    if (!strcmp(s->name, "seed") || !strcmp(s->name, "out") || !strcmp(s->name, "threads") || !strcmp(s->name, "progress"))
        return wk_errorf(WK_EINVAL, "%s: '%s' is set by the experiment (use --seeds, --out, --jobs)", e->name, key);
    wk_gan_config probe;
    wk_gan_config_default(&probe);
    int rc = wk_gan_config_set(&probe, s->name, value);
    if (rc) return wk_error_context(rc, "%s", e->name);
    if (strlen(value) >= WK_EXPT_VALUE) return wk_errorf(WK_EINVAL, "%s --%s: value too long", e->name, key);
    int slot = c->n_train;
    for (int k = 0; k < c->n_train; k++)
        if (!strcmp(c->train_key[k], s->name)) slot = k;
    if (slot == WK_EXPT_MAX_TRAIN) return wk_errorf(WK_EINVAL, "%s: more than %d train settings", e->name, WK_EXPT_MAX_TRAIN);
    snprintf(c->train_key[slot], sizeof c->train_key[slot], "%s", s->name);
    snprintf(c->train_value[slot], WK_EXPT_VALUE, "%s", value);
    if (slot == c->n_train) c->n_train++;
    return WK_OK;
}

/* The output directory is this experiment's with these knobs, or free (result_dir.h): its identity
 * is every knob's resolved value and every train setting given ("train:KEY"); --jobs is not part
 * of it (the results do not depend on it). write: record it when DIR has no marker yet. */
static int claim_out(const wk_expt_ctx *c, int write) {
    static char keys[WK_EXPT_MAX_TRAIN][80];
    const char *id[2 * (WK_EXPT_MAX_KNOBS + WK_EXPT_MAX_TRAIN) + 1];
    int n = 0;
    for (int k = 0; k < c->e->n_knobs; k++) id[n++] = c->e->knobs[k].name, id[n++] = c->value[k];
    for (int k = 0; k < c->n_train; k++) {
        snprintf(keys[k], sizeof keys[k], "train:%s", c->train_key[k]);
        id[n++] = keys[k], id[n++] = c->train_value[k];
    }
    id[n] = NULL;
    return write ? wk_result_dir_claim(c->out, WK_DIR_EXPERIMENT, c->e->name, id, "--out")
                 : wk_result_dir_check(c->out, WK_DIR_EXPERIMENT, c->e->name, id, "--out");
}

int wk_expt_prepare(wk_expt_ctx *c) {
    for (int k = 0; k < c->e->n_knobs; k++) {
        int rc = check_knob(c->e, &c->e->knobs[k], c->value[k]);
        if (rc) return rc;
    }
    if (c->jobs < 1 || c->jobs > 64) return wk_errorf(WK_EINVAL, "%s --jobs: %d is outside [1, 64]", c->e->name, c->jobs);
    if (!c->out[0]) return wk_errorf(WK_EINVAL, "%s --out: empty", c->e->name);
    int rc = c->e->check ? c->e->check(c) : WK_OK;
    return rc ? rc : claim_out(c, 0);
}

int wk_expt_run(wk_expt_ctx *c) {
    int rc = wk__expt_mkdirs(c->out);
    if (!rc) rc = claim_out(c, 1);
    if (rc) return rc;
    c->started = wk_monotonic_s();
    return c->e->run(c);
}

void wk_expt_help(const wk_experiment *e, wk_strbuf *sb) {
    for (int k = 0; k < e->n_knobs; k++) {
        char flag[64];
        wk__expt_flag(e->knobs[k].name, flag, sizeof flag);
        wk_sb_printf(sb, "  %-22s %s (quick: %s; paper: %s)\n", flag, e->knobs[k].help, e->knobs[k].quick, e->knobs[k].paper);
    }
    wk_sb_puts(sb, "  (a list knob takes comma-separated values, each once)\n");
    if (e->trains) wk_sb_puts(sb, "  and any `wgankit train` setting (--critic-width 128, --lr-d 1e-3, ...) for every training run\n");
}

static const char *value_of(const wk_expt_ctx *c, const char *name) {
    int i = knob_index(c->e, name);
    return i >= 0 ? c->value[i] : "";
}
int64_t wk_expt_int(const wk_expt_ctx *c, const char *name) { return (int64_t)strtod(value_of(c, name), NULL); }
double wk_expt_float(const wk_expt_ctx *c, const char *name) { return strtod(value_of(c, name), NULL); }
const char *wk_expt_text(const wk_expt_ctx *c, const char *name) { return value_of(c, name); }
int wk_expt_list(const wk_expt_ctx *c, const char *name, double *v) {
    const char *p = value_of(c, name);
    int n = 0;
    while (*p && n < WK_EXPT_MAX_LIST) {
        char *end;
        v[n++] = strtod(p, &end);
        if (*end != ',') break;
        p = end + 1;
    }
    return n;
}
