/* nnd.c — estimating the neural net distance d_{F,φ} (Arora et al. 2017, §3; nnd.h): a fresh
 * critic of the class F (critic.h: the network, Lipschitz method and optimizer `train` would
 * build) maximises E_A φ(D) + E_B φ(1 − D) on the training halves; the loss is the GAN critic
 * loss of the matching objective (losses.c: WGAN for φ = identity, minimax for φ = log, whose
 * critic D = sigmoid(f)), so the two forms are exactly −(objective) up to the constant. Every
 * check_every steps the objective is read on the held-out halves; training stops at `steps` or
 * after `patience` checks without improvement. The final values come from the critic after
 * the Lipschitz method's final projection, so they are values of a member of F. */
#include <math.h>
#include <string.h>

#include "gan/trainer_internal.h"
#include "nnd/nnd_internal.h"
#include "wgankit/critic.h"
#include "wgankit/error.h"
#include "wgankit/nnd.h"
#include "wgankit/ot.h"

void wk_nnd_config_default(wk_nnd_config *c) {
    memset(c, 0, sizeof *c);
    wk_gan_config_default(&c->critic);
    c->critic.seed = 1;
    c->phi = WK_PHI_IDENTITY;
    c->m = 0;
    c->repeats = 1;
    c->steps = 2000;
    c->check_every = 100;
    c->patience = 5;
}

int wk_nnd_config_validate(const wk_nnd_config *c) {
    if (c->repeats < 1) return wk_errorf(WK_EINVAL, "nnd: repeats must be >= 1 (got %d)", c->repeats);
    if (c->steps < 1) return wk_errorf(WK_EINVAL, "nnd: steps must be >= 1 (got %lld)", (long long)c->steps);
    if (c->check_every < 1) return wk_errorf(WK_EINVAL, "nnd: check_every must be >= 1 (got %lld)", (long long)c->check_every);
    if (c->patience < 0) return wk_errorf(WK_EINVAL, "nnd: patience must be >= 0 (got %d)", c->patience);
    if (c->m < 0 || c->m == 1) return wk_errorf(WK_EINVAL, "nnd: m must be >= 2 points per side (got %lld)", (long long)c->m);
    if ((unsigned)c->phi > WK_PHI_LOG) return wk_errorf(WK_EINVAL, "nnd: unknown phi %d", (int)c->phi);
    return wk_gan_config_validate(&c->critic);
}

const char *wk_nnd_phi_name(wk_nnd_phi phi) { return phi == WK_PHI_LOG ? "log" : "identity"; }
const char *wk_nnd_stop_name(wk_nnd_stop s) { return s == WK_NND_STOP_PATIENCE ? "patience" : "steps"; }

int wk_nnd_phi_parse(const char *s, wk_nnd_phi *out) {
    if (s && !strcmp(s, "identity")) *out = WK_PHI_IDENTITY;
    else if (s && !strcmp(s, "log")) *out = WK_PHI_LOG;
    else return wk_errorf(WK_EINVAL, "phi: '%s' is not identity or log", s ? s : "(null)");
    return WK_OK;
}

void wk_mean_se(const double *x, int n, double *mean, double *se) {
    double s = 0, ss = 0;
    for (int i = 0; i < n; i++) s += x[i];
    *mean = n ? s / n : NAN;
    for (int i = 0; i < n; i++) ss += (x[i] - *mean) * (x[i] - *mean);
    *se = n >= 2 ? sqrt(ss / (n - 1) / n) : NAN;
}

/* log σ(t) and log(1 − σ(t)) = log σ(−t) without overflow: log σ(t) = −softplus(−t). */
static double log_sigmoid(double t) { return -(fmax(-t, 0) + log1p(exp(-fabs(t)))); }

/* φ-objective of the critic on (a, b): mean φ(D(a)) + mean φ(1 − D(b)) − 2 φ(1/2). */
static int objective(wk_model *D, wk_nnd_phi phi, const wk_tensor *a, const wk_tensor *b, wk_graph *g, double *out) {
    const int64_t chunk = 2048;
    double sum[2] = {0, 0};
    const wk_tensor *side[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        const wk_tensor *x = side[k];
        int64_t n = x->shape[0], row = x->numel / n, shape[WK_MAX_DIMS];
        memcpy(shape, x->shape, sizeof shape);
        for (int64_t s = 0; s < n; s += chunk) {
            shape[0] = n - s < chunk ? n - s : chunk;
            wk_graph_reset(g);
            wk_var *xv = wk_input_empty(g, x->ndim, shape, 0);
            if (!xv) return wk_graph_status(g);
            memcpy(wk_input_data(xv), x->data + s * row, (size_t)(shape[0] * row) * sizeof(float));
            /* identity φ: mean D(a) − mean D(b), where the output's constant offset cancels
             * exactly and is left out (wk_model_offset_layer), so it rounds nothing away */
            wk_var *y = phi == WK_PHI_LOG ? wk_model_forward(D, g, xv, 0) : wk_model_forward_offset_free(D, g, xv, 0);
            if (!y) return wk_graph_status(g);
            const float *d = wk_value(y)->data;
            for (int64_t i = 0; i < shape[0]; i++)
                sum[k] += phi == WK_PHI_LOG ? log_sigmoid(k ? -d[i] : d[i]) : (k ? -d[i] : d[i]);
        }
        sum[k] /= (double)n;
    }
    *out = sum[0] + sum[1] + (phi == WK_PHI_LOG ? 2 * log(2.0) : 0);
    return isfinite(*out) ? WK_OK : wk_errorf(WK_ENUMERIC, "nnd: the critic's values are not finite");
}

/* b rows of x into dst: all of them when b == n, else uniform draws with replacement. */
static void fill_batch(const wk_tensor *x, int64_t b, wk_rng *r, float *dst) {
    int64_t n = x->shape[0], row = x->numel / n;
    if (b == n) {
        memcpy(dst, x->data, (size_t)x->numel * sizeof(float));
        return;
    }
    for (int64_t i = 0; i < b; i++)
        memcpy(dst + i * row, x->data + (int64_t)wk_rng_below(r, (uint64_t)n) * row, (size_t)row * sizeof(float));
}

static int same_shape(const wk_tensor *a, const wk_tensor *b) {
    return a->ndim == b->ndim && a->shape[0] >= 1 && !memcmp(a->shape + 1, b->shape + 1, (size_t)(a->ndim - 1) * sizeof(int64_t));
}

static int held_w1(const wk_tensor *a, const wk_tensor *b, double *out) {
    wk_tensor va = *a, vb = *b;
    int rc = wk_tensor_set_shape(&va, 2, (int64_t[]){a->shape[0], a->numel / a->shape[0]});
    if (!rc) rc = wk_tensor_set_shape(&vb, 2, (int64_t[]){b->shape[0], b->numel / b->shape[0]});
    wk_ot_options opt;
    wk_ot_options_default(&opt);
    wk_ot_result res;
    memset(&res, 0, sizeof res);
    if (!rc) rc = wk_w1_exact(&va, NULL, &vb, NULL, &opt, &res);
    *out = rc ? NAN : res.value;
    wk_ot_result_free(&res);
    return rc;
}

static int nnd_fit_halves(const wk_nnd_config *c, const wk_tensor *a_train, const wk_tensor *b_train,
                          const wk_tensor *a_held, const wk_tensor *b_held, uint64_t seed, wk_nnd_fit *out) {
    memset(out, 0, sizeof *out);
    out->w1 = NAN;
    int rc = wk_nnd_config_validate(c);
    if (rc) return rc;
    if (!same_shape(a_train, b_train) || !same_shape(a_train, a_held) || !same_shape(a_train, b_held))
        return wk_errorf(WK_EINVAL, "nnd: the four halves must be non-empty with one sample shape");
    const wk_gan_config *cc = &c->critic;
    wk_rng master, r_init, r_attach, r_batch, r_lip;
    wk_rng_seed(&master, seed);
    r_init = wk_rng_split(&master);
    r_attach = wk_rng_split(&master);
    r_batch = wk_rng_split(&master);
    r_lip = wk_rng_split(&master);
    wk_model D;
    wk_lipschitz L;
    wk_lipschitz_config lc;
    wk_optimizer opt;
    memset(&L, 0, sizeof L);
    memset(&opt, 0, sizeof opt);
    wk_graph *g = wk_graph_new();
    if (!g) return WK_ENOMEM;
    if ((rc = wk_gan_critic_build(cc, a_train->ndim - 1, a_train->shape + 1, &D))) goto done;
    wk_gan_model_init(cc, &D, &r_init);
    wk_optim_config oc = wk_gan_optim_config(cc, cc->opt_d, cc->lr_d);
    if ((rc = wk_gan_lipschitz_config(cc, &lc)) || (rc = wk_lipschitz_attach(&L, &lc, &D, &r_attach)) ||
        (rc = wk_optim_init(&opt, &oc, D.params, D.n_params)))
        goto done;
    out->critic_params = wk_model_param_count(&D);
    int64_t b = cc->batch;
    if (b > a_train->shape[0]) b = a_train->shape[0];
    if (b > b_train->shape[0]) b = b_train->shape[0];
    int64_t shape[WK_MAX_DIMS];
    memcpy(shape, a_train->shape, sizeof shape);
    shape[0] = b;
    const wk_loss_kind loss_kind = c->phi == WK_PHI_LOG ? WK_LOSS_MINIMAX : WK_LOSS_WGAN;
    double best = -INFINITY;
    int bad = 0;
    out->stopped = WK_NND_STOP_STEPS;
    for (int64_t step = 1; step <= c->steps; step++) {
        wk_graph_reset(g);
        wk_var *xa = wk_input_empty(g, a_train->ndim, shape, 0), *xb = wk_input_empty(g, a_train->ndim, shape, 0);
        if (!xa || !xb) {
            rc = wk_graph_status(g);
            goto done;
        }
        fill_batch(a_train, b, &r_batch, wk_input_data(xa));
        fill_batch(b_train, b, &r_batch, wk_input_data(xb));
        /* A plays "real" (φ(D)), B plays "fake" (φ(1 − D)): the critic loss is −objective + const */
        wk_var *loss = wk__loss_critic(g, loss_kind, wk_model_forward(&D, g, xa, 1), wk_model_forward(&D, g, xb, 1));
        loss = wk_add(g, loss, wk_lipschitz_penalty(&L, g, xa, xb, &r_lip));
        if (!loss) {
            rc = wk_graph_status(g);
            goto done;
        }
        if (!isfinite(wk_value(loss)->data[0])) {
            rc = wk_errorf(WK_ENUMERIC, "nnd: step %lld: the critic loss is not finite", (long long)step);
            goto done;
        }
        wk_model_zero_grad(&D);
        if ((rc = wk_backward(g, loss)) || (rc = wk_optim_step(&opt)) || (rc = wk_lipschitz_after_step(&L))) goto done;
        out->steps = step;
        if (c->patience > 0 && step % c->check_every == 0) {
            double h;
            if ((rc = objective(&D, c->phi, a_held, b_held, g, &h))) goto done;
            if (h > best + 1e-4 * (1 + fabs(best < 0 ? 0 : best)) || best == -INFINITY) {
                best = h;
                bad = 0;
            } else if (++bad >= c->patience) {
                out->stopped = WK_NND_STOP_PATIENCE;
                break;
            }
        }
    }
    if ((rc = wk_lipschitz_finalize(&L)) || (rc = objective(&D, c->phi, a_train, b_train, g, &out->train)) ||
        (rc = objective(&D, c->phi, a_held, b_held, g, &out->heldout)))
        goto done;
    if (c->w1) rc = held_w1(a_held, b_held, &out->w1);
done:
    wk_optim_free(&opt);
    wk_lipschitz_free(&L);
    wk_model_free(&D);
    wk_graph_free(g);
    return rc;
}

/* The fit runs under the critic settings' own thread count (a context of this call, tensor.h). */
int wk_nnd_fit_halves(const wk_nnd_config *c, const wk_tensor *a_train, const wk_tensor *b_train, const wk_tensor *a_held,
                      const wk_tensor *b_held, uint64_t seed, wk_nnd_fit *out) {
    wk_exec x = wk_exec_make(c->critic.threads);
    wk_exec_saved saved;
    wk_exec_enter(&x, &saved);
    int rc = nnd_fit_halves(c, a_train, b_train, a_held, b_held, seed, out);
    wk_exec_leave(&saved);
    return rc;
}

/* Rows perm[lo, hi) of x into a new tensor. */
static int take_rows(const wk_tensor *x, const int64_t *perm, int64_t lo, int64_t hi, wk_tensor *out) {
    int64_t shape[WK_MAX_DIMS], row = x->numel / x->shape[0];
    memcpy(shape, x->shape, sizeof shape);
    shape[0] = hi - lo;
    int rc = wk_tensor_alloc(out, x->ndim, shape);
    for (int64_t i = lo; !rc && i < hi; i++)
        memcpy(out->data + (i - lo) * row, x->data + perm[i] * row, (size_t)row * sizeof(float));
    return rc;
}

int wk_nnd_fit_samples(const wk_nnd_config *c, const wk_tensor *a, const wk_tensor *b, uint64_t seed, wk_nnd_fit *out) {
    memset(out, 0, sizeof *out);
    if (a->ndim < 2 || b->ndim < 2 || a->shape[0] < 2 || b->shape[0] < 2)
        return wk_errorf(WK_EINVAL, "nnd: each sample needs at least 2 rows (a training and a held-out half)");
    if (!same_shape(a, b)) {
        char sa[64], sb[64];
        return wk_errorf(WK_EINVAL, "nnd: samples shaped %s and %s differ in dimension", wk_shape_str(a, sa, 64),
                         wk_shape_str(b, sb, 64));
    }
    wk_rng r;
    wk_rng_seed_stream(&r, seed, WK_STREAM_NND_SPLIT);
    const wk_tensor *side[2] = {a, b};
    wk_tensor half[4];
    memset(half, 0, sizeof half);
    int rc = WK_OK;
    for (int k = 0; k < 2 && !rc; k++) {
        int64_t n = side[k]->shape[0];
        int64_t *perm = wk_malloc((size_t)n * sizeof *perm);
        if (!perm) {
            rc = WK_ENOMEM;
            break;
        }
        wk_rng_permutation(&r, perm, n);
        rc = take_rows(side[k], perm, 0, n / 2, &half[k]);
        if (!rc) rc = take_rows(side[k], perm, n / 2, n, &half[2 + k]);
        wk_free(perm);
    }
    if (!rc) rc = wk_nnd_fit_halves(c, &half[0], &half[1], &half[2], &half[3], seed, out);
    for (int k = 0; k < 4; k++) wk_tensor_free(&half[k]);
    return rc;
}

static int side_size(const wk_nnd_config *c, const wk_source *s, const char *which, int64_t *m) {
    int64_t n = wk_source_size(s);
    *m = c->m ? c->m : n > 0 ? n : 10000;
    if (n > 0 && *m > n)
        return wk_errorf(WK_EINVAL, "-m %lld is larger than %s '%s' (%lld rows)", (long long)*m, which, s->spec, (long long)n);
    if (*m < 2) return wk_errorf(WK_EINVAL, "%s '%s' has %lld row (need >= 2)", which, s->spec, (long long)*m);
    return WK_OK;
}

int wk_nnd_estimate(const wk_nnd_config *c, wk_source *a, wk_source *b, wk_nnd_result *out) {
    memset(out, 0, sizeof *out);
    int rc = wk_nnd_config_validate(c);
    if (rc || (rc = wk_source_match_units(a, b))) return rc;
    if ((rc = side_size(c, a, "A", &out->m)) || (rc = side_size(c, b, "B", &out->m_b))) return rc;
    int R = c->repeats;
    double *v = wk_calloc((size_t)R * 4, sizeof *v);
    if (!v) return WK_ENOMEM;
    wk_rng master;
    wk_rng_seed(&master, c->critic.seed);
    for (int r = 0; r < R && !rc; r++) {
        wk_rng rd = wk_rng_split(&master);
        uint64_t fit_seed = wk_rng_u64(&master);
        wk_tensor xa = {0}, xb = {0};
        wk_nnd_fit f;
        rc = wk_source_draw(a, out->m, &rd, &xa);
        if (!rc) rc = wk_source_draw(b, out->m_b, &rd, &xb);
        if (!rc) rc = wk_nnd_fit_samples(c, &xa, &xb, fit_seed, &f);
        wk_tensor_free(&xa);
        wk_tensor_free(&xb);
        if (rc) break;
        v[r] = f.train, v[R + r] = f.heldout, v[2 * R + r] = f.w1, v[3 * R + r] = (double)f.steps;
        if (f.stopped == WK_NND_STOP_PATIENCE) out->stopped_patience++;
        else out->stopped_steps++;
        out->critic_params = f.critic_params;
    }
    if (!rc) {
        out->repeats = R;
        double dummy;
        wk_mean_se(v, R, &out->nnd_train, &out->se_train);
        wk_mean_se(v + R, R, &out->nnd_heldout, &out->se);
        wk_mean_se(v + 2 * R, R, &out->w1, &out->se_w1);
        wk_mean_se(v + 3 * R, R, &out->steps_mean, &dummy);
    }
    wk_free(v);
    return rc;
}

void wk_nnd_result_to_json(const wk_nnd_config *c, const wk_nnd_result *r, wk_strbuf *sb) {
    wk_sb_putc(sb, '{');
    wk__json_num(sb, "nnd_train", r->nnd_train);
    wk__json_num(sb, "nnd_heldout", r->nnd_heldout);
    wk__json_num(sb, "se", r->se);
    wk__json_num(sb, "se_train", r->se_train);
    wk_json_key(sb, "repeats");
    wk_json_int(sb, r->repeats);
    wk_json_key(sb, "m");
    wk_json_int(sb, r->m);
    wk_json_key(sb, "m_b");
    wk_json_int(sb, r->m_b);
    wk__json_num(sb, "steps", r->steps_mean);
    wk_json_key(sb, "stopped");
    wk_json_string(sb, r->stopped_patience == r->repeats ? "patience" : r->stopped_steps == r->repeats ? "steps" : "mixed");
    wk_json_key(sb, "stopped_patience");
    wk_json_int(sb, r->stopped_patience);
    wk_json_key(sb, "phi");
    wk_json_string(sb, wk_nnd_phi_name(c->phi));
    if (c->w1) {
        wk__json_num(sb, "w1", r->w1);
        wk__json_num(sb, "se_w1", r->se_w1);
    }
    wk_json_key(sb, "critic");
    wk_sb_putc(sb, '{');
    static const char *const keys[] = {"critic", "critic_net", "critic_depth", "critic_width", "critic_act", "groupsort_k",
                                       "opt_d", "lr_d", "batch", "seed"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        char buf[128];
        wk_gan_config_get(&c->critic, keys[i], buf, sizeof buf);
        wk_json_key(sb, keys[i]);
        if (wk_gan_setting_find(keys[i])->type == WK_SET_STRING) wk_json_string(sb, buf);
        else wk_sb_puts(sb, buf);
    }
    wk_json_key(sb, "params");
    wk_json_int(sb, r->critic_params);
    wk_sb_puts(sb, "}}");
}
