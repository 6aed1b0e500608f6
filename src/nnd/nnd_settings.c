/* nnd_settings.c — the d_NN settings by name, one list for the CLI (nnd_flags.c) and the Python
 * binding: the critic class and its optimizer with `train`'s spelling (a generator setting is
 * refused rather than silently ignored, since it would change nothing), and the fitting knobs
 * phi, m, repeats, steps, check_every, patience and w1. */
#include <stdlib.h>
#include <string.h>

#include "wgankit/error.h"
#include "wgankit/nnd.h"

static const char *const critic_settings[] = {
    "critic", "critic_net", "critic_depth", "critic_width", "critic_act", "groupsort_k", "critic_clamp", "critic_norm",
    "dcgan_width", "init", "init_std", "bjorck_iters", "bjorck_final_iters", "bjorck_beta", "bjorck_reparam", "bjorck_tol",
    "sn_iters", "clip", "gp_lambda", "gp_one_sided", "bias_bound", "batch", "opt_d", "lr_d", "beta1", "beta2", "eps",
    "momentum", "seed", "threads"};

const char *wk_nnd_critic_setting_at(int i) {
    return i >= 0 && i < (int)(sizeof critic_settings / sizeof *critic_settings) ? critic_settings[i] : NULL;
}

int wk_nnd_is_critic_setting(const char *name) {
    const wk_gan_setting *s = wk_gan_setting_find(name);
    for (int i = 0; s && wk_nnd_critic_setting_at(i); i++)
        if (!strcmp(s->name, wk_nnd_critic_setting_at(i))) return 1;
    return 0;
}

/* An integer knob in [lo, hi], the whole text a number. */
static int knob(const char *name, const char *value, long long lo, long long hi, long long *out) {
    char *end;
    long long v = value && *value ? strtoll(value, &end, 10) : 0;
    if (!value || !*value || *end || v < lo || v > hi)
        return wk_errorf(WK_EINVAL, "%s: '%s' is not an integer in [%lld, %lld]", name, value ? value : "", lo, hi);
    *out = v;
    return WK_OK;
}

int wk_nnd_config_set(wk_nnd_config *c, const char *name, const char *value) {
    long long v = 0;
    int rc;
    if (!strcmp(name, "phi")) return wk_nnd_phi_parse(value, &c->phi);
    if (!strcmp(name, "m")) return (rc = knob(name, value, 0, 100000000, &v)) ? rc : (c->m = v, WK_OK);
    if (!strcmp(name, "repeats")) return (rc = knob(name, value, 1, 100000000, &v)) ? rc : (c->repeats = (int)v, WK_OK);
    if (!strcmp(name, "steps")) return (rc = knob(name, value, 1, 100000000, &v)) ? rc : (c->steps = v, WK_OK);
    if (!strcmp(name, "check_every")) return (rc = knob(name, value, 1, 100000000, &v)) ? rc : (c->check_every = v, WK_OK);
    if (!strcmp(name, "patience")) return (rc = knob(name, value, 0, 100000000, &v)) ? rc : (c->patience = (int)v, WK_OK);
    if (!strcmp(name, "w1")) return (rc = knob(name, value, 0, 1, &v)) ? rc : (c->w1 = (int)v, WK_OK);
    if (wk_nnd_is_critic_setting(name)) return wk_gan_config_set(&c->critic, name, value);
    return wk_errorf(WK_EINVAL, "%s: not a d_NN setting (the critic class settings of train, or phi, m, repeats, steps, "
                                "check_every, patience, w1)", name);
}
