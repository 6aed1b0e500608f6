/* optim.c — SGD, Adam and RMSProp, each a plain loop over the parameters written to follow
 * torch.optim's single-tensor implementation line by line (see optim.h). */
#include "wgankit/optim.h"
#include "wgankit/error.h"

#include <math.h>
#include <string.h>

static const char *kind_names[] = {"sgd", "adam", "rmsprop"};
static const char *state_names[3][3] = {{"momentum_buffer", NULL, NULL},
                                        {"exp_avg", "exp_avg_sq", NULL},
                                        {"square_avg", "momentum_buffer", "grad_avg"}};

const char *wk_optim_name(wk_optim_kind k) { return (unsigned)k < 3 ? kind_names[k] : "?"; }

int wk_optim_parse(const char *name, wk_optim_kind *out) {
    for (int i = 0; i < 3; i++)
        if (!strcmp(name, kind_names[i])) {
            *out = (wk_optim_kind)i;
            return WK_OK;
        }
    return wk_errorf(WK_EINVAL, "unknown optimizer '%s' (sgd, adam, rmsprop)", name);
}

wk_optim_config wk_optim_defaults(wk_optim_kind kind, float lr) {
    wk_optim_config c = {0};
    c.kind = kind;
    c.lr = lr;
    c.beta1 = 0.9f;
    c.beta2 = 0.999f;
    c.eps = 1e-8f;
    c.alpha = 0.99f;
    return c;
}

static int n_state(wk_optim_kind k) { return k == WK_OPT_SGD ? 1 : k == WK_OPT_ADAM ? 2 : 3; }

int wk_optim_init(wk_optimizer *o, const wk_optim_config *cfg, wk_param **params, int n_params) {
    memset(o, 0, sizeof *o);
    if (!(cfg->lr >= 0) || !isfinite(cfg->lr)) return wk_errorf(WK_EINVAL, "optimizer: learning rate %g is not a finite non-negative number", cfg->lr);
    if (cfg->kind == WK_OPT_ADAM && !(cfg->beta1 >= 0 && cfg->beta1 < 1 && cfg->beta2 >= 0 && cfg->beta2 < 1))
        return wk_errorf(WK_EINVAL, "adam: betas (%g, %g) must lie in [0, 1)", cfg->beta1, cfg->beta2);
    if (cfg->kind == WK_OPT_RMSPROP && !(cfg->alpha >= 0 && cfg->alpha < 1))
        return wk_errorf(WK_EINVAL, "rmsprop: alpha %g must lie in [0, 1)", cfg->alpha);
    if (cfg->momentum < 0 || cfg->weight_decay < 0 || cfg->eps < 0)
        return wk_errorf(WK_EINVAL, "optimizer: momentum, weight decay and eps must be >= 0");
    if ((unsigned)cfg->kind > WK_OPT_RMSPROP) return wk_errorf(WK_EINVAL, "optimizer: unknown kind %d", cfg->kind);
    o->cfg = *cfg;
    o->params = params;
    o->n_params = n_params;
    for (int s = 0; s < n_state(cfg->kind); s++) {
        o->state[s] = wk_calloc((size_t)(n_params ? n_params : 1), sizeof(wk_tensor));
        if (!o->state[s]) return WK_ENOMEM;
        for (int i = 0; i < n_params; i++)
            if (wk_tensor_alloc(&o->state[s][i], params[i]->value.ndim, params[i]->value.shape)) return WK_ENOMEM;
    }
    return WK_OK;
}

void wk_optim_free(wk_optimizer *o) {
    for (int s = 0; s < 3; s++) {
        if (!o->state[s]) continue;
        for (int i = 0; i < o->n_params; i++) wk_tensor_free(&o->state[s][i]);
        wk_free(o->state[s]);
    }
    memset(o, 0, sizeof *o);
}

void wk_optim_zero_grad(wk_optimizer *o) {
    for (int i = 0; i < o->n_params; i++) wk_param_zero_grad(o->params[i]);
}

wk_tensor *wk_optim_state_tensor(wk_optimizer *o, int which, int i) {
    if (which < 0 || which >= n_state(o->cfg.kind) || i < 0 || i >= o->n_params) return NULL;
    return &o->state[which][i];
}

const char *wk_optim_state_name(const wk_optimizer *o, int which) {
    return which >= 0 && which < 3 ? state_names[o->cfg.kind][which] : NULL;
}

static void sgd(const wk_optim_config *c, int first, float *p, const float *g, float *buf, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        float d = g[i] + c->weight_decay * p[i];
        if (c->momentum != 0) {
            buf[i] = first ? d : c->momentum * buf[i] + (1 - c->dampening) * d;
            d = c->nesterov ? d + c->momentum * buf[i] : buf[i];
        }
        p[i] -= c->lr * d;
    }
}

static void adam(const wk_optim_config *c, int64_t step, float *restrict p, const float *restrict g, float *restrict m,
                 float *restrict v, int64_t n) {
    double bc1 = 1 - pow(c->beta1, (double)step), bc2 = 1 - pow(c->beta2, (double)step);
    const float step_size = (float)(c->lr / bc1), bc2_sqrt = (float)sqrt(bc2);
    const float wd = c->weight_decay, b1 = c->beta1, b2 = c->beta2, eps = c->eps;
#pragma omp parallel for simd if (n > 65536)
    for (int64_t i = 0; i < n; i++) {
        float d = g[i] + wd * p[i];
        m[i] = m[i] * b1 + (1 - b1) * d;
        v[i] = v[i] * b2 + (1 - b2) * d * d;
        float denom = sqrtf(v[i]) / bc2_sqrt + eps;
        p[i] -= step_size * m[i] / denom;
    }
}

static void rmsprop(const wk_optim_config *c, float *restrict p, const float *restrict g, float *restrict sq,
                    float *restrict buf, float *restrict gavg, int64_t n) {
    const float wd = c->weight_decay, alpha = c->alpha, eps = c->eps, lr = c->lr, mom = c->momentum;
    /* one loop per variant, decided outside, so each vectorises */
    if (c->centered) {
        for (int64_t i = 0; i < n; i++) {
            float d = g[i] + wd * p[i];
            sq[i] = sq[i] * alpha + (1 - alpha) * d * d;
            gavg[i] = gavg[i] * alpha + (1 - alpha) * d;
            float avg = sqrtf(sq[i] - gavg[i] * gavg[i]) + eps;
            if (mom > 0) {
                buf[i] = buf[i] * mom + d / avg;
                p[i] -= lr * buf[i];
            } else {
                p[i] -= lr * d / avg;
            }
        }
    } else if (mom > 0) {
#pragma omp simd
        for (int64_t i = 0; i < n; i++) {
            float d = g[i] + wd * p[i];
            sq[i] = sq[i] * alpha + (1 - alpha) * d * d;
            buf[i] = buf[i] * mom + d / (sqrtf(sq[i]) + eps);
            p[i] -= lr * buf[i];
        }
    } else {
#pragma omp parallel for simd if (n > 65536)
        for (int64_t i = 0; i < n; i++) {
            float d = g[i] + wd * p[i];
            sq[i] = sq[i] * alpha + (1 - alpha) * d * d;
            p[i] -= lr * d / (sqrtf(sq[i]) + eps);
        }
    }
}

int wk_optim_step(wk_optimizer *o) {
    if (o->grad_reduce) {
        int rc = o->grad_reduce(o->params, o->n_params, o->grad_reduce_ctx);
        if (rc) return rc;
    }
    /* One vectorised pass gives the norm and the finiteness check: a sum of squares taken in
     * double cannot overflow from finite floats, so it is finite exactly when every gradient is. */
    double total = 0;
    for (int i = 0; i < o->n_params; i++) {
        const wk_tensor *gr = &o->params[i]->grad;
        const float *g = gr->data;
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (int64_t j = 0; j < gr->numel; j++) s += (double)g[j] * g[j];
        if (!isfinite(s)) {
            int rc = wk_tensor_check_finite(gr, o->params[i]->name);
            if (!rc) rc = wk_errorf(WK_ENUMERIC, "%s: gradient norm overflows", o->params[i]->name);
            return wk_error_context(rc, "%s step %lld: gradient of", wk_optim_name(o->cfg.kind), (long long)o->step + 1);
        }
        total += s;
    }
    o->grad_norm = sqrt(total);
    o->step++;
    for (int i = 0; i < o->n_params; i++) {
        wk_param *p = o->params[i];
        int64_t n = p->value.numel;
        float *w = p->value.data, *g = p->grad.data;
        switch (o->cfg.kind) {
        case WK_OPT_SGD: sgd(&o->cfg, o->step == 1, w, g, o->state[0][i].data, n); break;
        case WK_OPT_ADAM: adam(&o->cfg, o->step, w, g, o->state[0][i].data, o->state[1][i].data, n); break;
        case WK_OPT_RMSPROP:
            rmsprop(&o->cfg, w, g, o->state[0][i].data, o->state[1][i].data, o->state[2][i].data, n);
            break;
        }
    }
    return WK_OK;
}
