/* checkpoint.c — the whole training state in one safetensors file, written atomically (temp +
 * fsync + rename, so a crash leaves the previous checkpoint intact):
 *   generator.<i>.weight/bias/running_mean/running_var   (torch.nn.Sequential names)
 *   critic.*, generator_ema.*                            (same layout)
 *   opt_g.<param>.<slot>, opt_d.<param>.<slot>           optimizer moments
 *   lipschitz.sn_u.<layer>                               spectral-norm vectors
 *   lipschitz.sn_v.<layer>, lipschitz.sn_step           (I64)
 *   MIX+GAN (T > 1, format "wgankit-mix-checkpoint-1"): every component's tensors under
 *   generator.<i>.…, critic.<i>.…, generator_ema.<i>.…, opt_g.<i>.…, opt_d.<i>.…, lipschitz.<i>.…,
 *   plus mix.logits_g, mix.logits_d and their optimizers opt_mix_g.*, opt_mix_d.*; the
 *   component optimizers step together, so the counters below hold for all of them.
 *   state.counters (I64: step, critic_steps, opt_g step, opt_d step, perm_pos, lipschitz step)
 *   state.rng (I64 [3, 4]: batch, latent, lipschitz streams), state.perm (I64 epoch order)
 * Metadata: "format", "step", "train_seconds" (wall time over every part of the run),
 * "wgankit.config" (every setting, JSON) and "wgankit.generator" / "wgankit.critic" (layer lists
 * stating every forward-pass transformation, layer_meta.c) so the networks can be rebuilt from the
 * file alone, "wgankit.layer_list_version" (those lists have the current form: the older one is
 * never read from this file; "3" for a MIX+GAN, whose spectral-norm ops name every component's
 * lipschitz.<j>.sn_u/sn_v tensors, else "2") and, where the run has data, "wgankit.data_scale". With
 * export_orthonormal, the checkpoint at the last step also holds critic_orthonormal.* and
 * "wgankit.critic_orthonormal" (layer_meta.c).
 * A checkpoint is untrusted input (issue 18): before anything is built from its settings, what
 * they claim is checked against the file's size; before anything is copied into a trainer,
 * every tensor's dtype and shape, every float (finite; variances >= 0) and every integer
 * (counters, data order, RNG states, spectral-norm steps), and the spectral-norm vectors (nonzero;
 * unit, with uᵀWv > 0, where used as stored) and the metadata's layer lists (layer_meta.c) are
 * checked, so a bad file is refused
 * with the tensor named and leaves the trainer untouched. A state with NaN/Inf is never saved. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trainer_internal.h"
#include "wgankit/error.h"
#include "wgankit/json.h"

#define FORMAT "wgankit-checkpoint-1"
/* A MIX+GAN checkpoint (mix.c) has its own format string: builds that predate mixtures check
 * "format" first and refuse it as "not a wgankit checkpoint" instead of misreading component 0
 * (their config parser also refuses the unknown "mix" setting). */
#define FORMAT_MIX "wgankit-mix-checkpoint-1"

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
    int rc = WK_OK;
    char name[64];
    /* T = 1 keeps the single-GAN names, so older checkpoints load; a mixture prefixes every
     * component's tensors with its index (generator.<i>.…, opt_g.<i>.…, lipschitz.<i>.…). */
    for (int i = 0; i < t->T && !rc; i++) {
        char gp[32] = "generator", cp[32] = "critic", ep[32] = "generator_ema", og[32] = "opt_g", od[32] = "opt_d", lp[32] = "lipschitz";
        if (t->T > 1) {
            snprintf(gp, sizeof gp, "generator.%d", i), snprintf(cp, sizeof cp, "critic.%d", i);
            snprintf(ep, sizeof ep, "generator_ema.%d", i), snprintf(og, sizeof og, "opt_g.%d", i);
            snprintf(od, sizeof od, "opt_d.%d", i), snprintf(lp, sizeof lp, "lipschitz.%d", i);
        }
        rc = add_model(w, gp, WK_MIX_GEN(t, i));
        if (!rc) rc = add_model(w, cp, WK_MIX_CRITIC(t, i));
        if (!rc && t->has_ema) rc = add_model(w, ep, WK_MIX_EMA(t, i));
        if (!rc) rc = add_optim(w, og, WK_MIX_OPT_G(t, i));
        if (!rc) rc = add_optim(w, od, WK_MIX_OPT_D(t, i));
        wk_lipschitz *lip = WK_MIX_LIP(t, i);
        for (int k = 0; !rc && lip->sn_u && k < lip->n_layers; k++)
            if (lip->sn_u[k].data) {
                snprintf(name, sizeof name, "%s.sn_u.%d", lp, k);
                rc = add_f32(w, name, &lip->sn_u[k]);
                if (!rc && lip->sn_v && lip->sn_v[k].data) {
                    snprintf(name, sizeof name, "%s.sn_v.%d", lp, k);
                    rc = add_f32(w, name, &lip->sn_v[k]);
                }
            }
        snprintf(name, sizeof name, "%s.sn_step", lp);
        if (!rc && lip->sn_step) rc = add(w, name, WK_ST_I64, 1, (int64_t[]){lip->n_layers}, lip->sn_step);
    }
    if (!rc && t->T > 1) {
        rc = add_f32(w, "mix.logits_g", &t->logit_g.value);
        if (!rc) rc = add_f32(w, "mix.logits_d", &t->logit_d.value);
        if (!rc) rc = add_optim(w, "opt_mix_g", &t->opt_wg);
        if (!rc) rc = add_optim(w, "opt_mix_d", &t->opt_wd);
    }
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

/* The first NaN/Inf among n floats at p (any alignment: p may point into a file buffer), or -1. */
static int64_t first_nonfinite_at(const void *p, int64_t n, float *value) {
    float buf[1024];
    for (int64_t s = 0; s < n; s += 1024) {
        int64_t b = n - s < 1024 ? n - s : 1024;
        memcpy(buf, (const char *)p + 4 * s, (size_t)b * sizeof(float));
        int64_t k = wk_first_nonfinite(buf, b);
        if (k >= 0) {
            *value = buf[k];
            return s + k;
        }
    }
    return -1;
}

/* A weight, moment or statistic that is NaN/Inf: the run had diverged when the state was
 * taken, so the tensor is named and the state refused, saving or loading. */
static int check_finite(const walk *w, const char *path, int saving, int64_t step) {
    for (size_t i = 0; i < w->n; i++) {
        const wk_st_tensor *e = &w->t[i];
        if (e->dtype != WK_ST_F32) continue;
        int64_t n = 1;
        for (int d = 0; d < e->ndim; d++) n *= e->shape[d];
        float v;
        int64_t k = first_nonfinite_at(e->data, n, &v);
        if (k < 0) continue;
        if (saving)
            return wk_errorf(WK_ENUMERIC, "step %lld: tensor '%s' holds %g at element %lld (training diverged): %s not written",
                             (long long)step, e->name, v, (long long)k, path);
        return wk_errorf(WK_EFORMAT, "%s: tensor '%s' holds %g at element %lld: not a usable checkpoint (saved from a diverged run?)",
                         path, e->name, v, (long long)k);
    }
    return WK_OK;
}

/* Variances and squared-gradient averages are square roots' arguments (batch norm, Adam,
 * RMSProp): a negative one would turn every output or update into NaN. */
static int check_nonnegative(const walk *w, const char *path) {
    for (size_t i = 0; i < w->n; i++) {
        const wk_st_tensor *e = &w->t[i];
        if (e->dtype != WK_ST_F32 || !(wk_str_ends_with(e->name, ".running_var") || wk_str_ends_with(e->name, ".exp_avg_sq") ||
                                       wk_str_ends_with(e->name, ".square_avg")))
            continue;
        int64_t n = 1;
        for (int d = 0; d < e->ndim; d++) n *= e->shape[d];
        for (int64_t k = 0; k < n; k++) {
            float v;
            memcpy(&v, (const char *)e->data + 4 * k, 4);
            if (v < 0) return wk_errorf(WK_EFORMAT, "%s: tensor '%s' holds %g at element %lld: a variance cannot be negative", path, e->name, v, (long long)k);
        }
    }
    return WK_OK;
}

int wk_trainer_save(wk_trainer *t, const char *path) {
    walk w;
    int64_t counters[6], rng[12];
    int rc = collect(t, &w, counters, rng);
    if (!rc) rc = check_finite(&w, path, 1, t->step);
    wk_strbuf cfg, gen, crit, scale;
    wk_sb_init(&cfg), wk_sb_init(&gen), wk_sb_init(&crit), wk_sb_init(&scale);
    wk_gan_config_to_json(&t->cfg, &cfg);
    const wk_data_scale *map = wk_trainer_data_scale(t); /* the run's resolved scaling, kept for every later use */
    if (map) wk_data_scale_to_json(map, &scale);
    wk__model_to_json(&t->gen, NULL, 0, &gen);
    wk__model_to_json(&t->critic, &t->lip, t->T, &crit); /* a MIX+GAN's names every component's (u, v) */
    char step[32], seconds[32], fp[32];
    snprintf(fp, sizeof fp, "%016llx", (unsigned long long)(t->has_data ? t->ds.fingerprint : 0));
    snprintf(step, sizeof step, "%lld", (long long)t->step);
    snprintf(seconds, sizeof seconds, "%.3f", t->seconds);
    if (!rc) rc = wk_sb_status(&cfg) ? wk_sb_status(&cfg) : wk_sb_status(&gen) ? wk_sb_status(&gen) : wk_sb_status(&crit);
    if (!rc) rc = wk_sb_status(&scale);
    wk__export ex = {0};
    if (!rc) rc = wk__export_orthonormal(t, &ex);
    for (int i = 0; !rc && i < ex.n; i++) rc = add_f32(&w, ex.names[i], &ex.tensors[i]);
    if (!rc && ex.n) rc = wk_sb_status(&w.names); /* the names may have moved: point at them again */
    for (size_t i = 0; !rc && ex.n && i < w.n; i++) w.t[i].name = w.names.data + w.name_off[i];
    if (!rc) {
        wk_st_meta meta[10] = {{"format", t->T > 1 ? FORMAT_MIX : FORMAT}, {"step", step}, {"train_seconds", seconds},
                               {"wgankit.config", cfg.data}, {"wgankit.generator", gen.data}, {"wgankit.critic", crit.data},
                               {WK_LAYER_LIST_VERSION_KEY, t->T > 1 ? WK_LAYER_LIST_VERSION_MIX : WK_LAYER_LIST_VERSION}};
        size_t n_meta = 7;
        if (t->has_data && t->ds.fingerprint) meta[n_meta++] = (wk_st_meta){"data_fingerprint", fp}; /* fixed data only */
        if (ex.n) meta[n_meta++] = (wk_st_meta){"wgankit.critic_orthonormal", ex.layers.data};
        if (map) meta[n_meta++] = (wk_st_meta){"wgankit.data_scale", scale.data};
        rc = wk_safetensors_write(path, w.t, w.n, meta, n_meta);
    }
    wk__export_free(&ex);
    wk_sb_free(&cfg), wk_sb_free(&gen), wk_sb_free(&crit), wk_sb_free(&scale);
    walk_free(&w);
    return rc;
}

static int64_t i64_at(const wk_st_tensor *e, size_t i) {
    int64_t v;
    memcpy(&v, (const char *)e->data + 8 * i, 8);
    return v;
}

/* The file's tensor that the walk loads into `data` (the trainer's tensor), or NULL. */
static const wk_st_tensor *file_tensor_of(const walk *w, const walk *fw, const void *data) {
    for (size_t i = 0; i < w->n; i++)
        if (w->t[i].data == data) return &fw->t[i];
    return NULL;
}

static float f32_at(const wk_st_tensor *e, int64_t i) {
    float v;
    memcpy(&v, (const char *)e->data + 4 * i, 4);
    return v;
}

static double l2(const wk_st_tensor *e) {
    double s = 0;
    for (int64_t i = 0; i < (int64_t)(e->nbytes / 4); i++) s += (double)f32_at(e, i) * f32_at(e, i);
    return sqrt(s);
}

/* Spectral normalisation's persistent power-iteration pair (u, v) (Miyato et al. 2018, Alg. 1;
 * lipschitz.c): W is divided by σ = uᵀWv. u starts random and is never all zero (an all-zero u is
 * not a state any run leaves). A layer whose sn_step equals the Lipschitz step uses the pair as
 * stored, without a power step: then u and v must be unit vectors (the power step normalises
 * both) and σ = uᵀWv > 0 for the stored weight, else W / σ is Inf/NaN (σ = 0) or flipped. A
 * layer that advances first overwrites v (zero before the first step) and renormalises u. */
#define UNIT_TOL 1e-3
static int check_spectral(wk_trainer *t, const walk *w, const walk *fw, const char *path, int64_t lip_step) {
    for (int c = 0; c < t->T; c++) {
        wk_lipschitz *lip = WK_MIX_LIP(t, c);
        const wk_st_tensor *se = lip->sn_step ? file_tensor_of(w, fw, lip->sn_step) : NULL;
        for (int k = 0; lip->sn_u && se && k < lip->n_layers; k++) {
            if (!lip->sn_u[k].data || !lip->sn_v || !lip->sn_v[k].data) continue;
            const wk_st_tensor *u = file_tensor_of(w, fw, lip->sn_u[k].data), *v = file_tensor_of(w, fw, lip->sn_v[k].data),
                               *wt = file_tensor_of(w, fw, lip->critic->layers[k].weight->value.data);
            if (!u || !v || !wt) continue;
            double nu = l2(u), nv = l2(v);
            if (!(nu > 0))
                return wk_errorf(WK_EFORMAT, "%s: tensor '%s' is all zero: not a power-iteration state", path, u->name);
            if (i64_at(se, (size_t)k) != lip_step) continue;
            for (int s = 0; s < 2; s++) {
                const wk_st_tensor *x = s ? v : u;
                double nx = s ? nv : nu;
                if (!(nx > 0))
                    return wk_errorf(WK_EFORMAT, "%s: tensor '%s' is all zero: not a power-iteration state", path, x->name);
                if (!(fabs(nx - 1) <= UNIT_TOL))
                    return wk_errorf(WK_EFORMAT, "%s: tensor '%s' has norm %g, not 1: not a power-iteration state "
                                     "(%s[%d] says it is used as stored)", path, x->name, nx, se->name, k);
            }
            int64_t rows = (int64_t)(u->nbytes / 4), cols = (int64_t)(v->nbytes / 4);
            double sigma = 0;
            for (int64_t i = 0; i < rows; i++) {
                double r = 0;
                for (int64_t j = 0; j < cols; j++) r += (double)f32_at(wt, i * cols + j) * f32_at(v, j);
                sigma += f32_at(u, i) * r;
            }
            if (!(sigma > 0) || !isfinite(sigma))
                return wk_errorf(WK_EFORMAT, "%s: tensors '%s' and '%s' give sigma = u^T W v = %g for '%s' (must be > 0): "
                                 "not a power-iteration state of that weight", path, u->name, v->name, sigma, wt->name);
        }
    }
    return WK_OK;
}

/* The layer lists in the metadata state the forward pass (layer_meta.c): one that disagrees with
 * the networks the config builds and the tensors load into would make a reader of the file
 * compute another function than wgankit does, so it is refused. The spectral-norm steps it
 * depends on are the file's (the state is not copied yet). */
static int check_layer_lists(const wk_trainer *t, const walk *w, const walk *fw, const wk_safetensors *f) {
    const wk_st_tensor *se = t->lip.sn_step ? file_tensor_of(w, fw, t->lip.sn_step) : NULL;
    int64_t *sn = NULL, n = se ? se->shape[0] : 0;
    if (se && !(sn = wk_malloc((size_t)(n ? n : 1) * sizeof *sn))) return WK_ENOMEM;
    for (int64_t i = 0; i < n; i++) sn[i] = i64_at(se, (size_t)i);
    int rc = wk__check_layer_lists(t, f, sn, i64_at(wk_safetensors_find(f, "state.counters"), 5));
    wk_free(sn);
    return rc;
}

/* Counters beyond 2^53 cannot come from a run (the step setting stops there) and would
 * overflow arithmetic on them. */
#define MAX_COUNT 9007199254740991LL

/* Every integer of the state is untrusted: counters in range and consistent with each other
 * (each optimizer and the Lipschitz constraint step exactly once per generator / critic
 * step), the data position inside the epoch, the epoch order a permutation of the training
 * rows (it indexes them), RNG states that xoshiro256** can leave (not all zero). */
static int check_integers(const wk_trainer *t, const wk_safetensors *f) {
    const char *p = f->path;
    const wk_st_tensor *ce = wk_safetensors_find(f, "state.counters"), *re = wk_safetensors_find(f, "state.rng");
    static const char *const cname[6] = {"step", "critic_steps", "opt_g step", "opt_d step", "perm_pos", "lipschitz step"};
    int64_t c[6];
    for (int i = 0; i < 6; i++)
        if ((c[i] = i64_at(ce, (size_t)i)) < 0 || c[i] > MAX_COUNT)
            return wk_errorf(WK_EFORMAT, "%s: state.counters: %s = %lld is outside [0, 2^53)", p, cname[i], (long long)c[i]);
    if (c[2] != c[0] || c[3] != c[1] || c[5] != c[1])
        return wk_errorf(WK_EFORMAT, "%s: state.counters disagree (step %lld, opt_g step %lld; critic_steps %lld, opt_d step %lld, "
                         "lipschitz step %lld)", p, (long long)c[0], (long long)c[2], (long long)c[1], (long long)c[3], (long long)c[5]);
    const char *meta_step = wk_safetensors_meta(f, "step");
    char want[32];
    snprintf(want, sizeof want, "%lld", (long long)c[0]);
    if (meta_step && strcmp(meta_step, want))
        return wk_errorf(WK_EFORMAT, "%s: metadata step '%.30s' disagrees with state.counters step %lld", p, meta_step, (long long)c[0]);
    for (int s = 0; s < 3; s++)
        if (!(i64_at(re, 4 * (size_t)s) | i64_at(re, 4 * (size_t)s + 1) | i64_at(re, 4 * (size_t)s + 2) | i64_at(re, 4 * (size_t)s + 3)))
            return wk_errorf(WK_EFORMAT, "%s: state.rng: stream %d is all zero (not a state xoshiro256** can reach)", p, s);
    for (int k = 0; k < t->T; k++) { /* every component's constraint steps with the critics */
        char sn[48] = "lipschitz.sn_step";
        if (t->T > 1) snprintf(sn, sizeof sn, "lipschitz.%d.sn_step", k);
        const wk_st_tensor *se = wk_safetensors_find(f, sn);
        for (size_t i = 0; se && i < (size_t)se->shape[0]; i++) {
            int64_t v = i64_at(se, i);
            if (v < -1 || v > c[5])
                return wk_errorf(WK_EFORMAT, "%s: %s[%zu] = %lld is outside [-1, %lld]", p, sn, i, (long long)v, (long long)c[5]);
        }
    }
    if (!t->perm) return WK_OK;
    int64_t n = t->ds.train.shape[0];
    if (c[4] > n) return wk_errorf(WK_EFORMAT, "%s: state.counters: perm_pos %lld is beyond the %lld training rows", p, (long long)c[4], (long long)n);
    const wk_st_tensor *pe = wk_safetensors_find(f, "state.perm");
    unsigned char *seen = wk_calloc((size_t)n ? (size_t)n : 1, 1);
    if (!seen) return WK_ENOMEM;
    int rc = WK_OK;
    for (int64_t i = 0; i < n && !rc; i++) {
        int64_t v = i64_at(pe, (size_t)i);
        if (v < 0 || v >= n) rc = wk_errorf(WK_EFORMAT, "%s: state.perm[%lld] = %lld is not a row of the %lld training rows", p, (long long)i, (long long)v, (long long)n);
        else if (seen[v]++) rc = wk_errorf(WK_EFORMAT, "%s: state.perm[%lld] = %lld repeats a row (not a permutation)", p, (long long)i, (long long)v);
    }
    wk_free(seen);
    return rc;
}

/* A state tensor the file lacks or holds with another dtype or shape: say what differs, and for
 * the data order and the mixture weights what that means (the data changed size; another T). */
static int state_mismatch(const char *path, const char *name, wk_st_dtype dt, int ndim, const int64_t *shape,
                          const wk_st_tensor *e) {
    char want[96], got[96];
    wk_dims_str(ndim, shape, want, sizeof want);
    if (!e) return wk_errorf(WK_EFORMAT, "%s: tensor '%s' is missing (this configuration needs %s %s; checkpoint of another configuration?)",
                             path, name, wk_st_dtype_name(dt), want);
    wk_dims_str(e->ndim, e->shape, got, sizeof got);
    char why[160] = "";
    int one_d = ndim == 1 && e->ndim == 1 && e->dtype == dt;
    if (one_d && !strcmp(name, "state.perm"))
        snprintf(why, sizeof why, ": the data has %lld training rows but the run was trained on %lld", (long long)shape[0],
                 (long long)e->shape[0]);
    else if (one_d && !strncmp(name, "mix.logits_", 11))
        snprintf(why, sizeof why, ": the run has %lld components, not %lld", (long long)e->shape[0], (long long)shape[0]);
    return wk_errorf(WK_EFORMAT, "%s: tensor '%s' has the wrong dtype or shape for this configuration (expected %s %s, found %s %s)%s",
                     path, name, wk_st_dtype_name(dt), want, wk_st_dtype_name(e->dtype), got, why);
}

int wk__load_state(wk_trainer *t, const wk_safetensors *f) {
    const char *fmt = wk_safetensors_meta(f, "format"), *want = t->T > 1 ? FORMAT_MIX : FORMAT;
    if (!fmt || (strcmp(fmt, FORMAT) && strcmp(fmt, FORMAT_MIX)))
        return wk_errorf(WK_EFORMAT, "%s: not a wgankit checkpoint (format '%s')", f->path, fmt ? fmt : "");
    if (strcmp(fmt, want))
        return wk_errorf(WK_EFORMAT, "%s: a %s checkpoint, but this configuration is %s (mix %d)", f->path,
                         strcmp(fmt, FORMAT) ? "MIX+GAN" : "single-GAN", t->T > 1 ? "a MIX+GAN" : "a single GAN", t->T);
    walk w, fw = {0};
    int64_t counters[6], rng[12];
    int rc = collect(t, &w, counters, rng);
    /* Validate everything first, then copy: a bad file leaves the trainer untouched. */
    for (size_t i = 0; !rc && i < w.n; i++) {
        const wk_st_tensor *e = wk_safetensors_find(f, w.t[i].name);
        if (!e || e->dtype != w.t[i].dtype || e->ndim != w.t[i].ndim ||
            memcmp(e->shape, w.t[i].shape, (size_t)e->ndim * sizeof(int64_t)))
            rc = state_mismatch(f->path, w.t[i].name, w.t[i].dtype, w.t[i].ndim, w.t[i].shape, e);
    }
    if (!rc) { /* the file's tensors, in the walk's order, for the value checks */
        fw.t = wk_malloc((w.n ? w.n : 1) * sizeof *fw.t);
        if (!(rc = fw.t ? WK_OK : WK_ENOMEM))
            for (size_t i = 0; i < w.n; i++) fw.t[fw.n++] = *wk_safetensors_find(f, w.t[i].name);
    }
    if (!rc) rc = check_finite(&fw, f->path, 0, 0);
    if (!rc) rc = check_nonnegative(&fw, f->path);
    if (!rc) rc = check_integers(t, f);
    if (!rc) rc = check_spectral(t, &w, &fw, f->path, i64_at(wk_safetensors_find(f, "state.counters"), 5));
    if (!rc) rc = check_layer_lists(t, &w, &fw, f);
    uint64_t fingerprint = 0; /* absent in older checkpoints and runs without fixed data */
    const char *fps = wk_safetensors_meta(f, "data_fingerprint");
    if (!rc && fps) {
        char *end;
        errno = 0;
        fingerprint = strtoull(fps, &end, 16);
        if (errno || end == fps || *end || strlen(fps) != 16)
            rc = wk_errorf(WK_EFORMAT, "%s: metadata data_fingerprint '%.30s' is not 16 hex digits", f->path, fps);
    }
    double seconds = 0; /* absent in older checkpoints: then unknown, counted as 0 */
    const char *sec = wk_safetensors_meta(f, "train_seconds");
    if (!rc && sec) {
        char *end;
        seconds = strtod(sec, &end);
        if (end == sec || *end || !(seconds >= 0 && seconds < 1e12))
            rc = wk_errorf(WK_EFORMAT, "%s: metadata train_seconds '%.30s' is not a time in seconds", f->path, sec);
    }
    wk_data_scale map = {0}; /* absent in checkpoints written before runs kept their scaling */
    const char *maps = wk_safetensors_meta(f, "wgankit.data_scale");
    if (!rc && maps) rc = wk_data_scale_from_json(maps, f->path, &map);
    wk_free(fw.t);
    for (size_t i = 0; !rc && i < w.n; i++) {
        const wk_st_tensor *e = wk_safetensors_find(f, w.t[i].name);
        memcpy((void *)w.t[i].data, e->data, e->nbytes);
    }
    if (!rc) {
        t->step = counters[0], t->critic_steps = counters[1], t->opt_g.step = counters[2], t->opt_d.step = counters[3];
        t->perm_pos = counters[4], t->lip.step = counters[5];
        for (int i = 1; i < t->T; i++) { /* every component steps with component 0 (mix.c) */
            t->parts[i - 1].opt_g.step = counters[2], t->parts[i - 1].opt_d.step = counters[3];
            t->parts[i - 1].lip.step = counters[5];
        }
        if (t->T > 1) t->opt_wg.step = counters[2], t->opt_wd.step = counters[3];
        wk_rng *r[3] = {&t->r_batch, &t->r_latent, &t->r_lip};
        for (int i = 0; i < 3; i++) memcpy(r[i]->s, rng + 4 * i, sizeof r[i]->s);
        t->seconds = seconds;
        t->loaded_fingerprint = fingerprint;
        wk_data_scale_free(&t->loaded_scale);
        t->loaded_scale = map; /* taken over */
    } else wk_data_scale_free(&map);
    walk_free(&w);
    return rc;
}

/* Load a checkpoint and the settings in its metadata, and check what those settings claim
 * against the file before anything is built from them: networks whose weights alone would
 * not fit in the file are refused here, not allocated. */
static int checkpoint_open(const char *path, wk_safetensors *f, wk_gan_config *cfg) {
    int rc = wk_safetensors_load(path, f);
    if (rc) return rc;
    const char *js = wk_safetensors_meta(f, "wgankit.config");
    wk_json *root = NULL;
    wk_gan_config_default(cfg);
    if (!js) rc = wk_errorf(WK_EFORMAT, "%s: no wgankit.config in the metadata (not a wgankit checkpoint)", path);
    if (!rc) rc = wk_json_parse(js, strlen(js), path, &root);
    if (!rc) rc = wk_gan_config_apply_json(cfg, root, path);
    wk_json_free(root);
    double floats = 0;
    if (!rc && (rc = wk__config_weight_floor(cfg, &floats))) rc = wk_error_context(WK_EFORMAT, "%s: wgankit.config", path);
    if (!rc && floats * 4 > (double)f->size)
        rc = wk_errorf(WK_EFORMAT, "%s: wgankit.config describes networks of at least %.3g weights, more than its %zu bytes hold",
                       path, floats, f->size);
    if (rc) wk_safetensors_free(f);
    return rc;
}

int wk_checkpoint_read(const char *path, wk_checkpoint_part want, wk_checkpoint *out) {
    memset(out, 0, sizeof *out);
    int rc = checkpoint_open(path, &out->file, &out->cfg);
    if (rc) return rc;
    const char *maps = wk_safetensors_meta(&out->file, "wgankit.data_scale"); /* absent: written before runs kept it */
    if (maps && (rc = wk_data_scale_from_json(maps, path, &out->scale))) {
        wk_checkpoint_free(out);
        return rc;
    }
    if (want == WK_CHECKPOINT_SETTINGS) wk_safetensors_free(&out->file); /* the tensors are not wanted: not kept */
    return WK_OK;
}

void wk_checkpoint_free(wk_checkpoint *c) {
    wk_safetensors_free(&c->file);
    wk_data_scale_free(&c->scale);
    memset(c, 0, sizeof *c);
}

int wk_trainer_load_state(wk_trainer *t, const char *path) {
    wk_safetensors f;
    int rc = wk_safetensors_load(path, &f);
    if (rc) return rc;
    rc = wk__load_state(t, &f);
    wk_safetensors_free(&f);
    return rc;
}

/* the file's tensors, read with WK_CHECKPOINT_ALL */
static int state_of(const wk_checkpoint *c, const wk_safetensors **f) {
    *f = &c->file;
    if (!c->file.buffer) return wk_errorf(WK_EINVAL, "checkpoint read without its state (WK_CHECKPOINT_SETTINGS)");
    return WK_OK;
}

int wk_trainer_load_checkpoint(wk_trainer *t, const wk_checkpoint *c) {
    const wk_safetensors *f;
    int rc = state_of(c, &f);
    return rc ? rc : wk__load_state(t, f);
}

int wk_trainer_load_for_eval(wk_trainer *t, const wk_checkpoint *c) {
    /* without t->perm the walk has no state.perm and check_integers no epoch to check */
    int64_t *perm = t->perm, pos = t->perm_pos;
    t->perm = NULL;
    int rc = wk_trainer_load_checkpoint(t, c);
    t->perm = perm, t->perm_pos = pos; /* this trainer's own epoch, consistent with its data */
    return rc;
}

int wk_checkpoint_check_data(const wk_checkpoint *c, const wk_gan_config *cfg) {
    const wk_safetensors *f;
    int rc = state_of(c, &f);
    const char *path = f->path;
    const wk_st_tensor *e;
    if (!rc && cfg->mix > 1)
        for (int k = 0; k < 2 && !rc; k++) {
            const char *name = k ? "mix.logits_d" : "mix.logits_g";
            e = wk_safetensors_find(f, name);
            if (!e || e->dtype != WK_ST_F32 || e->ndim != 1 || e->shape[0] != cfg->mix)
                rc = state_mismatch(path, name, WK_ST_F32, 1, (int64_t[]){cfg->mix}, e);
        }
    /* a fixed synthetic sample: its epoch order is data_n rows long (files: the rows are known
     * only once read, and reading them costs what the file holds, not what a config claims) */
    if (!rc && cfg->data_n > 0 && wk_dataset_is_synthetic(cfg->data)) {
        e = wk_safetensors_find(f, "state.perm");
        if (!e || e->dtype != WK_ST_I64 || e->ndim != 1 || e->shape[0] != cfg->data_n)
            rc = state_mismatch(path, "state.perm", WK_ST_I64, 1, (int64_t[]){cfg->data_n}, e);
    }
    return rc;
}

int wk_gan_config_from_checkpoint(const char *path, wk_gan_config *cfg) {
    wk_safetensors f;
    int rc = checkpoint_open(path, &f, cfg);
    if (!rc) wk_safetensors_free(&f);
    return rc;
}

void wk_gan_config_for_use(wk_gan_config *cfg) { cfg->data_parallel = 0; }

int wk_trainer_load(const char *path, wk_trainer **out) {
    wk_gan_config cfg;
    wk_safetensors f;
    *out = NULL;
    int rc = checkpoint_open(path, &f, &cfg);
    if (rc) return rc;
    const int data_parallel = cfg.data_parallel;
    wk_gan_config_for_use(&cfg); /* a loaded checkpoint is used, not trained on by K ranks */
    if ((rc = wk_trainer_new(&cfg, NULL, out))) rc = wk_error_context(rc, "%s: wgankit.config", path);
    if (!rc) (*out)->cfg.data_parallel = data_parallel; /* its config still says how it was trained */
    if (!rc && (rc = wk__load_state(*out, &f))) {
        wk_trainer_free(*out);
        *out = NULL;
    }
    wk_safetensors_free(&f);
    return rc;
}
