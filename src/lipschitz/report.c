/* report.c — how Lipschitz is a critic, from above and from below.
 *
 * Upper ("certified"): Lip(f_q ∘ … ∘ f_1) ≤ Π Lip(f_i). Affine layers contribute the operator
 * 2-norm of their effective weight (after any reparametrisation hook: Björck, W/σ), activations
 * their Lipschitz constants (ReLU, GroupSort, tanh, softplus 1; leaky ReLU max(1, |slope|);
 * sigmoid ¼), eval-mode batch norm max|γ|/√(var+ε). Linear norms come from converged power
 * iteration; `certified_gershgorin` replaces them by the strict bound √‖WᵀW‖∞ ≥ σ_max.
 * Convolutions are measured as the operator they are (not their reshaped kernel): power
 * iteration on x ↦ conv(x) at the spatial size the layer sees, its adjoint from autodiff.
 * Layer norm is not globally Lipschitz: the bound is then +∞.
 *
 * Lower ("measured"): max ‖∇ₓD(x)‖ over the given points (D is differentiable almost
 * everywhere, and Lip(D) = sup ‖∇D‖), and max |D(x)−D(y)|/‖x−y‖ over random pairs of them.
 * A pair's difference must not be rounding: float32 outputs near −433 are 3e-5 apart, so pairs
 * 1.8e-5 apart "measured" 0.85 on a critic of true slope 0.58, above its certified 0.84. The
 * pairs therefore use the critic's outputs recomputed in double (MLP critics: linear layers
 * with their effective float weights, activations, eval batch norm), less a bound on that
 * recomputation's own rounding; for other critics (convolutions, layer norm) the float32
 * outputs less a generous rounding allowance (2^-12 of their size), so a pair only counts
 * where the difference stands clear of the rounding. Both leave out the output's constant
 * offset (the last layer's bias, wk_model_offset_layer): it cancels exactly in D(x) − D(y), and
 * kept it would round every output at its size (a bias of 1e30 leaves no difference at all).
 * A critic whose values or gradients are NaN/Inf (finite weights can overflow float32) gives no
 * report: WK_ENUMERIC.
 *
 * A mixture D = Σ_j w_j·D_j (MIX+GAN): certified Σ_j w_j·(D_j's bound), since Lip(Σ_j w_j D_j) ≤
 * Σ_j w_j Lip(D_j) for w_j ≥ 0; measured on D itself (its gradient Σ_j w_j ∇D_j, its values). */
#include "lipschitz/lipschitz_internal.h"
#include "wgankit/error.h"

#include <math.h>
#include <string.h>

#define CHUNK 4096

/* The weight the forward pass actually uses (hook applied), copied into `out` (heap). */
static int effective_weight(wk_model *m, int i, wk_graph *g, wk_tensor *out) {
    wk_graph_reset(g);
    wk_var *w = wk_param_var(g, m->layers[i].weight);
    if (m->weight_fn) w = m->weight_fn(g, m, i, w, m->weight_ctx);
    if (!w) return wk_graph_status(g) ? wk_graph_status(g) : WK_EINVAL;
    const wk_tensor *v = wk_value(w);
    int rc = wk_tensor_alloc(out, v->ndim, v->shape);
    return rc ? rc : wk_tensor_copy(out, v);
}

static double gershgorin(const wk_tensor *w) {
    int64_t r = w->shape[0], c = w->numel / r;
    /* λ_max(WᵀW) ≤ max_j Σ_k |(WᵀW)_jk|, on the smaller Gram matrix */
    int tall = r >= c;
    int64_t n = tall ? c : r, len = tall ? r : c;
    double best = 0;
    for (int64_t j = 0; j < n; j++) {
        double row = 0;
        for (int64_t k = 0; k < n; k++) {
            double s = 0;
            for (int64_t t = 0; t < len; t++)
                s += tall ? (double)w->data[t * c + j] * w->data[t * c + k] : (double)w->data[j * c + t] * w->data[k * c + t];
            row += fabs(s);
        }
        best = fmax(best, row);
    }
    return sqrt(best);
}

/* Operator norm of the (bias-free) convolution with weight w on inputs of shape in_shape
 * ([C, H, W]), by power iteration x ← Aᵀ A x / ‖·‖. */
static double conv_norm(const wk_layer *l, const wk_tensor *w, const int64_t *in_shape, wk_graph *g, wk_rng *rng) {
    int64_t shape[4] = {1, in_shape[0], in_shape[1], in_shape[2]}, n = in_shape[0] * in_shape[1] * in_shape[2];
    float *x = wk_malloc((size_t)n * sizeof *x);
    if (!x) return NAN;
    wk_rng_fill_normal(rng, x, n, 0, 1);
    double sigma = NAN, prev = 0;
    for (int k = 0; k < 200; k++) {
        wk_graph_reset(g);
        wk_var *xv = wk_input(g, &(wk_tensor){.data = x, .ndim = 4, .shape = {shape[0], shape[1], shape[2], shape[3]},
                                               .numel = n}, 1);
        wk_var *wv = wk_input(g, w, 0);
        wk_var *y = l->kind == WK_LAYER_CONV2D ? wk_conv2d(g, xv, wv, NULL, l->stride, l->pad)
                                                : wk_conv_transpose2d(g, xv, wv, NULL, l->stride, l->pad, l->out_pad);
        wk_var *gx;
        if (!y || wk_grad(g, wk_mul_scalar(g, wk_sum(g, wk_square(g, y), WK_ALL_AXES, 0), 0.5f), &xv, 1, &gx, 0)) break;
        double xx = 0, yy = 0, gg = 0;
        for (int64_t i = 0; i < n; i++) xx += (double)x[i] * x[i];
        for (int64_t i = 0; i < wk_value(y)->numel; i++) yy += (double)wk_value(y)->data[i] * wk_value(y)->data[i];
        sigma = sqrt(yy / xx);
        const float *gd = wk_value(gx)->data;
        for (int64_t i = 0; i < n; i++) gg += (double)gd[i] * gd[i];
        if (!(gg > 0)) break;
        for (int64_t i = 0; i < n; i++) x[i] = (float)(gd[i] / sqrt(gg));
        if (k > 0 && fabs(sigma - prev) <= 1e-7 * sigma) break;
        prev = sigma;
    }
    wk_free(x);
    return sigma;
}

static double act_lipschitz(const wk_layer *l) {
    switch (l->act) {
    case WK_ACT_LEAKY_RELU: return fmax(1.0, fabs(l->act_param));
    case WK_ACT_SIGMOID: return 0.25;
    default: return 1.0; /* none, ReLU, GroupSort (a permutation), tanh, softplus */
    }
}

/* Upper bounds; `shape` tracks the per-sample input shape through the layers (for convs). */
static int certify(wk_model *m, const wk_tensor *points, wk_graph *g, wk_rng *rng, double *pw, double *gersh) {
    int64_t shape[WK_MAX_DIMS];
    int nd = points->ndim - 1;
    memcpy(shape, points->shape + 1, (size_t)nd * sizeof *shape);
    double p = 1, q = 1;
    for (int i = 0; i < m->n_layers; i++) {
        const wk_layer *l = &m->layers[i];
        if (wk_layer_is_weighted(l)) {
            wk_tensor w = {0};
            int rc = effective_weight(m, i, g, &w);
            if (rc) return wk_error_context(rc, "lipschitz report: layer %d", i);
            double s, sg;
            if (l->kind == WK_LAYER_LINEAR) {
                s = wk_spectral_norm_converged(&w, 2000, 1e-9);
                sg = gershgorin(&w);
                shape[0] = l->out;
                nd = 1;
            } else {
                if (nd != 3) {
                    wk_tensor_free(&w);
                    return wk_errorf(WK_EINVAL, "lipschitz report: layer %d is a convolution but its input is not [C, H, W]", i);
                }
                s = sg = conv_norm(l, &w, shape, g, rng);
                int64_t h = shape[1];
                h = l->kind == WK_LAYER_CONV2D ? (h + 2 * l->pad - l->k) / l->stride + 1
                                               : (h - 1) * l->stride - 2 * l->pad + l->k + l->out_pad;
                shape[0] = l->out;
                shape[1] = shape[2] = h;
            }
            wk_tensor_free(&w);
            p *= s;
            q *= sg;
        } else if (l->kind == WK_LAYER_ACT) {
            p *= act_lipschitz(l);
            q *= act_lipschitz(l);
        } else if (l->kind == WK_LAYER_BATCHNORM) {
            double mx = 0;
            for (int64_t c = 0; c < l->in; c++)
                mx = fmax(mx, fabs(l->weight->value.data[c]) / sqrt(l->running_var.data[c] + l->eps));
            p *= mx;
            q *= mx;
        } else if (l->kind == WK_LAYER_LAYERNORM) {
            p = q = INFINITY;
        } else if (l->kind == WK_LAYER_RESHAPE) {
            nd = l->ndim;
            memcpy(shape, l->shape, (size_t)nd * sizeof *shape);
        }
    }
    *pw = p;
    *gersh = q;
    return WK_OK;
}

/* D on rows [start, start+n) of the points and its gradients: with acc == NULL ‖∇ₓD‖ per row
 * into gnorm; else w·∇ₓD added to acc (rows of the point size, double), for a mixture. */
static int eval_chunk(wk_model *m, wk_graph *g, const wk_tensor *points, int64_t start, int64_t n, float *d,
                      double *gnorm, double w, double *acc) {
    int64_t per = points->numel / points->shape[0], shape[WK_MAX_DIMS];
    memcpy(shape, points->shape, sizeof shape);
    shape[0] = n;
    wk_graph_reset(g);
    wk_var *x = wk_input(g, &(wk_tensor){.data = points->data + start * per, .ndim = points->ndim,
                                          .shape = {shape[0], shape[1], shape[2], shape[3], shape[4], shape[5]},
                                          .numel = n * per}, 1);
    /* less the output's constant offset: the pairs take differences, where it cancels, and the
     * gradient does not see it (a bias of 1e30 would leave every float32 difference 0) */
    wk_var *y = wk_model_forward_offset_free(m, g, x, 0), *gx;
    if (!y) return wk_graph_status(g);
    if (wk_value(y)->numel != n) return wk_errorf(WK_EINVAL, "lipschitz report: the critic must output one value per point");
    for (int64_t i = 0; i < n; i++) d[i] = wk_value(y)->data[i];
    int rc = wk_grad(g, wk_sum(g, y, WK_ALL_AXES, 0), &x, 1, &gx, 0);
    if (rc) return rc;
    const float *r = wk_value(gx)->data;
    /* a finite critic whose float32 pass overflows (weights of 3e38): no bound can be measured */
    int64_t bad = wk_first_nonfinite(d, n), badg = bad < 0 ? wk_first_nonfinite(r, n * per) : -1;
    if (bad >= 0 || badg >= 0) {
        float v = bad >= 0 ? d[bad] : r[badg];
        return wk_errorf(WK_ENUMERIC, "lipschitz report: the critic's %s at point %lld is %s: its float32 forward pass "
                         "overflows, no Lipschitz bound can be measured", bad >= 0 ? "value" : "gradient",
                         (long long)(start + (bad >= 0 ? bad : badg / per)), isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
    }
    if (acc) {
        for (int64_t k = 0; k < n * per; k++) acc[k] += w * r[k];
        return WK_OK;
    }
    for (int64_t i = 0; i < n; i++) {
        double s = 0;
        for (int64_t j = 0; j < per; j++) s += (double)r[i * per + j] * r[i * per + j];
        gnorm[i] = sqrt(s);
    }
    return WK_OK;
}

/* The critic's outputs on the points, recomputed in double with the weights the float forward
 * uses (hooks applied), for critics made of linear layers, activations, eval-mode batch norm on
 * features and flat reshapes; WK_EUNSUPPORTED for any other layer (then the caller falls back). */
static int forward_f64(wk_model *m, const wk_tensor *points, wk_graph *g, double *out) {
    const int64_t n = points->shape[0];
    int64_t width = points->numel / n;
    double *h = wk_malloc((size_t)(n * width) * sizeof(double)), *h2 = NULL, *wd = NULL;
    if (!h) return WK_ENOMEM;
    for (int64_t k = 0; k < n * width; k++) h[k] = points->data[k];
    int rc = WK_OK;
    const int offset = wk_model_offset_layer(m); /* its bias cancels in the pairs' differences: left out */
    for (int i = 0; i < m->n_layers && !rc; i++) {
        const wk_layer *l = &m->layers[i];
        if (l->kind == WK_LAYER_LINEAR) {
            wk_tensor w = {0};
            if ((rc = effective_weight(m, i, g, &w)) != 0) break;
            const int64_t out_w = w.shape[0];
            if (w.ndim != 2 || w.shape[1] != width) {
                wk_tensor_free(&w);
                rc = WK_EUNSUPPORTED;
                break;
            }
            wd = wk_malloc((size_t)(out_w * width) * sizeof(double));
            h2 = wk_malloc((size_t)(n * out_w) * sizeof(double));
            if (!wd || !h2) rc = WK_ENOMEM;
            for (int64_t k = 0; !rc && k < out_w * width; k++) wd[k] = w.data[k];
            wk_tensor_free(&w);
            if (rc) break;
            for (int64_t r = 0; r < n; r++)
                for (int64_t c = 0; c < out_w; c++) h2[r * out_w + c] = l->bias && i != offset ? l->bias->value.data[c] : 0;
            wk_backend_for(WK_DEVICE_CPU)->dgemm(wk_exec_current(), 0, 1, (int)n, (int)out_w, (int)width, 1.0, h,
                                                 (int)width, wd, (int)width, 1.0, h2, (int)out_w);
            wk_free(h);
            wk_free(wd);
            wd = NULL;
            h = h2;
            h2 = NULL;
            width = out_w;
        } else if (l->kind == WK_LAYER_ACT) {
            const int64_t gs = l->act == WK_ACT_GROUPSORT ? (int64_t)l->act_param : 1;
            if (gs < 1 || width % gs) {
                rc = WK_EUNSUPPORTED;
                break;
            }
            for (int64_t k = 0; k < n * width; k++) {
                double x = h[k];
                switch (l->act) {
                case WK_ACT_RELU: h[k] = x > 0 ? x : 0; break;
                case WK_ACT_LEAKY_RELU: h[k] = x > 0 ? x : l->act_param * x; break;
                case WK_ACT_TANH: h[k] = tanh(x); break;
                case WK_ACT_SIGMOID: h[k] = 1 / (1 + exp(-x)); break;
                case WK_ACT_SOFTPLUS: h[k] = fmax(x, 0) + log1p(exp(-fabs(x))); break;
                default: break; /* none; GroupSort below */
                }
            }
            if (l->act == WK_ACT_GROUPSORT) /* ascending within each group, as wk_groupsort */
                for (int64_t k0 = 0; k0 < n * width; k0 += gs)
                    for (int64_t a = k0 + 1; a < k0 + gs; a++)
                        for (int64_t b = a; b > k0 && h[b - 1] > h[b]; b--) {
                            double t = h[b];
                            h[b] = h[b - 1];
                            h[b - 1] = t;
                        }
        } else if (l->kind == WK_LAYER_BATCHNORM && l->in == width) {
            for (int64_t c = 0; c < width; c++) {
                /* the float forward's own scale 1/sqrt(var + eps), then double arithmetic */
                const double rs = 1.0f / sqrtf(l->running_var.data[c] + l->eps), mu = l->running_mean.data[c];
                const double gm = l->weight ? l->weight->value.data[c] : 1, bt = l->bias ? l->bias->value.data[c] : 0;
                for (int64_t r = 0; r < n; r++) h[r * width + c] = (h[r * width + c] - mu) * rs * gm + bt;
            }
        } else if (l->kind == WK_LAYER_RESHAPE && l->ndim == 1 && l->shape[0] == width) {
            /* flat to flat: nothing moves */
        } else {
            rc = WK_EUNSUPPORTED;
        }
    }
    if (!rc && width != 1) rc = WK_EUNSUPPORTED;
    for (int64_t r = 0; !rc && r < n; r++) {
        double y = h[r];
        if (m->output_clamp > 0) y = fmin(fmax(y, -m->output_clamp), m->output_clamp);
        out[r] = y;
    }
    wk_free(h);
    wk_free(h2);
    wk_free(wd);
    return rc;
}

int wk_lipschitz_report_compute(wk_model *critic, const wk_tensor *points, int64_t n_pairs, wk_rng *rng,
                                wk_lipschitz_report *out) {
    return wk_lipschitz_report_mixture(&critic, (const double[]){1}, 1, points, n_pairs, rng, out);
}

/* A mixture D = Σ_j w_j·D_j (w_j >= 0): the upper bounds are Σ_j w_j·(component j's), since
 * Lip(Σ_j w_j D_j) <= Σ_j w_j Lip(D_j); the lower bounds are measured on D itself, its gradient
 * Σ_j w_j ∇D_j(x) (summed in double) and its values Σ_j w_j D_j(x) on the pairs, with the rounding
 * allowance of the least exact component applied to Σ_j w_j |D_j(x)|. One component of weight
 * 1 is the single critic's report, bit for bit. */
int wk_lipschitz_report_mixture(wk_model *const *critics, const double *w, int T, const wk_tensor *points, int64_t n_pairs,
                                wk_rng *rng, wk_lipschitz_report *out) {
    memset(out, 0, sizeof *out);
    if (!critics || !w || T < 1 || !points || !rng || points->ndim < 2 || points->shape[0] < 1 || n_pairs < 0)
        return wk_errorf(WK_EINVAL, "lipschitz report: need a critic and points [N, ...] with N >= 1");
    for (int j = 0; j < T; j++)
        if (!critics[j] || !(w[j] >= 0)) return wk_errorf(WK_EINVAL, "lipschitz report: mixture component %d has no critic or a negative weight", j);
    int64_t n = points->shape[0], per = points->numel / n, rows = n < CHUNK ? n : CHUNK;
    wk_graph *g = wk_graph_new();
    float *d = wk_malloc((size_t)(T * n) * sizeof *d); /* component j's values at d + j·n */
    double *gn = wk_malloc((size_t)rows * sizeof *gn), *d64 = wk_malloc((size_t)n * sizeof *d64);
    double *dmix = T > 1 ? wk_calloc((size_t)n, sizeof *dmix) : d64, *amix = T > 1 ? wk_calloc((size_t)n, sizeof *amix) : NULL;
    double *acc = T > 1 ? wk_malloc((size_t)(rows * per) * sizeof *acc) : NULL;
    int rc = g && d && gn && d64 && dmix && (T == 1 || (amix && acc)) ? WK_OK : wk_errorf(WK_ENOMEM, "lipschitz report: out of memory");
    for (int j = 0; !rc && j < T; j++) {
        double c = 0, cg = 0;
        if (!(rc = certify(critics[j], points, g, rng, &c, &cg))) out->certified += w[j] * c, out->certified_gershgorin += w[j] * cg;
        if (rc && T > 1) rc = wk_error_context(rc, "mixture component %d", j);
    }
    double sum = 0;
    for (int64_t s = 0; !rc && s < n; s += CHUNK) {
        int64_t k = n - s < CHUNK ? n - s : CHUNK;
        if (acc) memset(acc, 0, (size_t)(k * per) * sizeof *acc);
        for (int j = 0; !rc && j < T; j++) rc = eval_chunk(critics[j], g, points, s, k, d + j * n + s, gn, w[j], acc);
        for (int64_t i = 0; acc && i < k; i++) {
            double q = 0;
            for (int64_t t = 0; t < per; t++) q += acc[i * per + t] * acc[i * per + t];
            gn[i] = sqrt(q);
        }
        for (int64_t i = 0; !rc && i < k; i++) {
            out->grad_max = fmax(out->grad_max, gn[i]);
            sum += gn[i];
        }
    }
    out->grad_mean = sum / (double)n;
    out->n_points = n;
    /* the pairs' outputs: double recomputation (rounding allowance 1e-12 relative: thousands of
     * double ulps over any MLP depth that matters), or the float32 ones with 2^-12 */
    double allow = 1e-12;
    for (int j = 0; !rc && n > 1 && n_pairs > 0 && j < T; j++) {
        int frc = forward_f64(critics[j], points, g, d64);
        if (frc == WK_EUNSUPPORTED) {
            for (int64_t i = 0; i < n; i++) d64[i] = d[j * n + i];
            allow = 1.0 / 4096;
        } else if ((rc = frc)) {
            break;
        }
        for (int64_t i = 0; T > 1 && i < n; i++) dmix[i] += w[j] * d64[i], amix[i] += w[j] * fabs(d64[i]);
    }
    int64_t usable = 0; /* pairs of distinct points: |D(x)-D(y)|/|x-y| is undefined for x = y */
    for (int64_t p = 0; !rc && n > 1 && p < n_pairs; p++) {
        int64_t i = (int64_t)wk_rng_below(rng, (uint64_t)n), j = (int64_t)wk_rng_below(rng, (uint64_t)n);
        double dist = 0;
        for (int64_t t = 0; t < per; t++) {
            double e = (double)points->data[i * per + t] - points->data[j * per + t];
            dist += e * e;
        }
        const double size = T > 1 ? amix[i] + amix[j] : fabs(d64[i]) + fabs(d64[j]);
        const double diff = fabs(dmix[i] - dmix[j]) - allow * size;
        if (dist > 0 && diff > 0) out->pair_max = fmax(out->pair_max, diff / sqrt(dist));
        usable += dist > 0;
        out->n_pairs++;
    }
    if (!usable) out->pair_max = NAN; /* no pair measured anything (one point, or all equal): not a bound of 0 */
    wk_free(d);
    wk_free(d64);
    if (T > 1) wk_free(dmix), wk_free(amix);
    wk_free(acc);
    wk_free(gn);
    wk_graph_free(g);
    return rc;
}
