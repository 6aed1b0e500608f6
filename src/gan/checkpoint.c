/* checkpoint.c — the whole training state in one safetensors file, written atomically (temp +
 * fsync + rename, so a crash leaves the previous checkpoint intact):
 *   generator.<i>.weight/bias/running_mean/running_var   (torch.nn.Sequential names)
 *   critic.*, generator_ema.*                            (same layout)
 *   opt_g.<param>.<slot>, opt_d.<param>.<slot>           optimizer moments
 *   lipschitz.sn_u.<layer>                               spectral-norm vectors
 *   lipschitz.sn_v.<layer>, lipschitz.sn_step           (I64)
 *   state.counters (I64: step, critic_steps, opt_g step, opt_d step, perm_pos, lipschitz step)
 *   state.rng (I64 [3, 4]: batch, latent, lipschitz streams), state.perm (I64 epoch order)
 * Metadata: "format", "step", "wgankit.config" (every setting, JSON) and "wgankit.generator" /
 * "wgankit.critic" (layer lists stating every forward-pass transformation, layer_meta.c) so the
 * networks can be rebuilt from the file alone. With export_orthonormal, the checkpoint at the
 * last step also holds critic_orthonormal.* and "wgankit.critic_orthonormal" (layer_meta.c). */
#include <stdio.h>
#include <string.h>

#include "trainer_internal.h"
#include "wgankit/error.h"
#include "wgankit/json.h"

#define FORMAT "wgankit-checkpoint-1"

/* Every tensor of the state, in a fixed order; names point into `names`. The same walk serves
 * saving and loading, so the two can never disagree. */
typedef struct {
    wk_st_tensor *t;
    size_t n, cap;
    wk_strbuf names;
    size_t *name_off;
} walk;

static int add(walk *w, const char *name, wk_st_dtype dt, int ndim, const int64_t *shape, const void *data) {
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 64;
        wk_st_tensor *t = wk_realloc(w->t, cap * sizeof *t);
        size_t *o = wk_realloc(w->name_off, cap * sizeof *o);
        if (t) w->t = t;
        if (o) w->name_off = o;
        if (!t || !o) return WK_ENOMEM;
        w->cap = cap;
    }
    w->name_off[w->n] = w->names.len;
    wk_sb_append(&w->names, name, strlen(name) + 1);
    wk_st_tensor *e = &w->t[w->n++];
    memset(e, 0, sizeof *e);
    e->dtype = dt;
    e->ndim = ndim;
    memcpy(e->shape, shape, (size_t)ndim * sizeof(int64_t));
    e->data = data;
    return WK_OK;
}

static int add_f32(walk *w, const char *name, const wk_tensor *t) { return add(w, name, WK_ST_F32, t->ndim, t->shape, t->data); }

static int add_model(walk *w, const char *prefix, const wk_model *m) {
    char name[160];
    int rc = WK_OK;
    for (int i = 0; i < m->n_params && !rc; i++) {
        snprintf(name, sizeof name, "%s.%s", prefix, m->params[i]->name);
        rc = add_f32(w, name, &m->params[i]->value);
    }
    for (int i = 0; i < m->n_layers && !rc; i++)
        if (m->layers[i].kind == WK_LAYER_BATCHNORM) {
            snprintf(name, sizeof name, "%s.%d.running_mean", prefix, i);
            rc = add_f32(w, name, &m->layers[i].running_mean);
            snprintf(name, sizeof name, "%s.%d.running_var", prefix, i);
            if (!rc) rc = add_f32(w, name, &m->layers[i].running_var);
        }
    return rc;
}

static int add_optim(walk *w, const char *prefix, wk_optimizer *o) {
    char name[200];
    for (int s = 0; s < 3; s++) {
        const char *slot = wk_optim_state_name(o, s);
        if (!slot) break;
        for (int i = 0; i < o->n_params; i++) {
            wk_tensor *t = wk_optim_state_tensor(o, s, i);
            if (!t || !t->data) continue;
            snprintf(name, sizeof name, "%s.%s.%s", prefix, o->params[i]->name, slot);
            int rc = add_f32(w, name, t);
            if (rc) return rc;
        }
    }
    return WK_OK;
}

static int collect(wk_trainer *t, walk *w, int64_t *counters, int64_t *rng) {
    memset(w, 0, sizeof *w);
    wk_sb_init(&w->names);
    counters[0] = t->step, counters[1] = t->critic_steps, counters[2] = t->opt_g.step, counters[3] = t->opt_d.step;
    counters[4] = t->perm_pos, counters[5] = t->lip.step;
    const wk_rng *r[3] = {&t->r_batch, &t->r_latent, &t->r_lip};
    for (int i = 0; i < 3; i++) memcpy(rng + 4 * i, r[i]->s, sizeof r[i]->s);
    int rc = add_model(w, "generator", &t->gen);
    if (!rc) rc = add_model(w, "critic", &t->critic);
    if (!rc && t->has_ema) rc = add_model(w, "generator_ema", &t->ema);
    if (!rc) rc = add_optim(w, "opt_g", &t->opt_g);
    if (!rc) rc = add_optim(w, "opt_d", &t->opt_d);
    char name[64];
    for (int i = 0; !rc && t->lip.sn_u && i < t->lip.n_layers; i++)
        if (t->lip.sn_u[i].data) {
            snprintf(name, sizeof name, "lipschitz.sn_u.%d", i);
            rc = add_f32(w, name, &t->lip.sn_u[i]);
            if (!rc && t->lip.sn_v && t->lip.sn_v[i].data) {
                snprintf(name, sizeof name, "lipschitz.sn_v.%d", i);
                rc = add_f32(w, name, &t->lip.sn_v[i]);
            }
        }
    if (!rc && t->lip.sn_step) rc = add(w, "lipschitz.sn_step", WK_ST_I64, 1, (int64_t[]){t->lip.n_layers}, t->lip.sn_step);
    if (!rc) rc = add(w, "state.counters", WK_ST_I64, 1, (int64_t[]){6}, counters);
    if (!rc) rc = add(w, "state.rng", WK_ST_I64, 2, (int64_t[]){3, 4}, rng);
    if (!rc && t->perm) rc = add(w, "state.perm", WK_ST_I64, 1, t->ds.train.shape, t->perm);
    if (!rc) rc = wk_sb_status(&w->names);
    for (size_t i = 0; !rc && i < w->n; i++) w->t[i].name = w->names.data + w->name_off[i];
    return rc;
}

static void walk_free(walk *w) {
    wk_free(w->t);
    wk_free(w->name_off);
    wk_sb_free(&w->names);
}

int wk_trainer_save(wk_trainer *t, const char *path) {
    walk w;
    int64_t counters[6], rng[12];
    int rc = collect(t, &w, counters, rng);
    wk_strbuf cfg, gen, crit;
    wk_sb_init(&cfg), wk_sb_init(&gen), wk_sb_init(&crit);
    wk_gan_config_to_json(&t->cfg, &cfg);
    wk__model_to_json(&t->gen, NULL, &gen);
    wk__model_to_json(&t->critic, &t->lip, &crit);
    char step[32];
    snprintf(step, sizeof step, "%lld", (long long)t->step);
    if (!rc) rc = wk_sb_status(&cfg) ? wk_sb_status(&cfg) : wk_sb_status(&gen) ? wk_sb_status(&gen) : wk_sb_status(&crit);
    wk__export ex = {0};
    if (!rc) rc = wk__export_orthonormal(t, &ex);
    for (int i = 0; !rc && i < ex.n; i++) rc = add_f32(&w, ex.names[i], &ex.tensors[i]);
    if (!rc && ex.n) rc = wk_sb_status(&w.names); /* the names may have moved: point at them again */
    for (size_t i = 0; !rc && ex.n && i < w.n; i++) w.t[i].name = w.names.data + w.name_off[i];
    if (!rc) {
        wk_st_meta meta[] = {{"format", FORMAT}, {"step", step}, {"wgankit.config", cfg.data},
                             {"wgankit.generator", gen.data}, {"wgankit.critic", crit.data},
                             {"wgankit.critic_orthonormal", ex.layers.data}};
        rc = wk_safetensors_write(path, w.t, w.n, meta, sizeof meta / sizeof meta[0] - !ex.n);
    }
    wk__export_free(&ex);
    wk_sb_free(&cfg), wk_sb_free(&gen), wk_sb_free(&crit);
    walk_free(&w);
    return rc;
}

int wk__load_state(wk_trainer *t, const wk_safetensors *f) {
    const char *fmt = wk_safetensors_meta(f, "format");
    if (!fmt || strcmp(fmt, FORMAT)) return wk_errorf(WK_EFORMAT, "%s: not a wgankit checkpoint (format '%s')", f->path, fmt ? fmt : "");
    walk w;
    int64_t counters[6], rng[12];
    int rc = collect(t, &w, counters, rng);
    /* Validate everything first, then copy: a bad file leaves the trainer untouched. */
    for (size_t i = 0; !rc && i < w.n; i++) {
        const wk_st_tensor *e = wk_safetensors_find(f, w.t[i].name);
        if (!e) rc = wk_errorf(WK_EFORMAT, "%s: tensor '%s' is missing (checkpoint of another configuration?)", f->path, w.t[i].name);
        else if (e->dtype != w.t[i].dtype || e->ndim != w.t[i].ndim ||
                 memcmp(e->shape, w.t[i].shape, (size_t)e->ndim * sizeof(int64_t)))
            rc = wk_errorf(WK_EFORMAT, "%s: tensor '%s' has the wrong dtype or shape for this configuration", f->path, w.t[i].name);
    }
    for (size_t i = 0; !rc && i < w.n; i++) {
        const wk_st_tensor *e = wk_safetensors_find(f, w.t[i].name);
        memcpy((void *)w.t[i].data, e->data, e->nbytes);
    }
    if (!rc) {
        t->step = counters[0], t->critic_steps = counters[1], t->opt_g.step = counters[2], t->opt_d.step = counters[3];
        t->perm_pos = counters[4], t->lip.step = counters[5];
        wk_rng *r[3] = {&t->r_batch, &t->r_latent, &t->r_lip};
        for (int i = 0; i < 3; i++) memcpy(r[i]->s, rng + 4 * i, sizeof r[i]->s);
        if (t->perm && (t->perm_pos < 0 || t->perm_pos > t->ds.train.shape[0]))
            rc = wk_errorf(WK_EFORMAT, "%s: corrupt data position", f->path);
    }
    walk_free(&w);
    return rc;
}

int wk_trainer_load_state(wk_trainer *t, const char *path) {
    wk_safetensors f;
    int rc = wk_safetensors_load(path, &f);
    if (rc) return rc;
    rc = wk__load_state(t, &f);
    wk_safetensors_free(&f);
    return rc;
}

int wk_gan_config_from_checkpoint(const char *path, wk_gan_config *cfg) {
    wk_safetensors f;
    int rc = wk_safetensors_load(path, &f);
    if (rc) return rc;
    const char *js = wk_safetensors_meta(&f, "wgankit.config");
    wk_json *root = NULL;
    wk_gan_config_default(cfg);
    if (!js) rc = wk_errorf(WK_EFORMAT, "%s: no wgankit.config in the metadata (not a wgankit checkpoint)", path);
    if (!rc) rc = wk_json_parse(js, strlen(js), path, &root);
    if (!rc) rc = wk_gan_config_apply_json(cfg, root, path);
    wk_json_free(root);
    wk_safetensors_free(&f);
    return rc;
}

int wk_trainer_load(const char *path, wk_trainer **out) {
    wk_gan_config cfg;
    *out = NULL;
    int rc = wk_gan_config_from_checkpoint(path, &cfg);
    if (!rc) rc = wk_trainer_new(&cfg, NULL, out);
    if (!rc && (rc = wk_trainer_load_state(*out, path))) {
        wk_trainer_free(*out);
        *out = NULL;
    }
    return rc;
}
