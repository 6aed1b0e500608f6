/* evaluate.c — what a run logs: d_Lip = exact W1 between generated and held-out real samples
 * (Biau et al. 2021 compare it with the critic's estimate d_D = E_real D − E_fake D), the
 * real-vs-real floor of that W1 at the same sample sizes, losses, gradient norms, the critic's
 * Lipschitz report, and for known mixtures the VEEGAN/PacGAN mode coverage. Evaluation draws
 * from its own fixed streams (same latent codes at every evaluation) and never touches the
 * training streams, so evaluating does not change the training.
 *
 * d_D here is the co-trained critic's current gap, not the supremum over the critic class that
 * defines Biau et al.'s d_D: it is a lower bound of that supremum and can be negative. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trainer_internal.h"
#include "wgankit/error.h"
#include "wgankit/json.h"
#include "wgankit/ot.h"

/* d_D = E_real D − E_fake D over n_real real and n_fake generated points [n, ...] (Biau et al.
 * 2021, §2). D(x) = h(x) + b with b the last layer's bias (wk_model_offset_layer): b cancels
 * exactly in the definition, so d_D = E_real h − E_fake h, taken on h. Summing D in float64
 * would not do: each float32 D(x) is rounded at |b| before any sum (b = 1e30 leaves h nothing),
 * while h is rounded only at its own size. */
static int critic_gap(wk_trainer *t, const float *real, int64_t n_real, const float *fake, int64_t n_fake, double *out) {
    float *d = wk_malloc((size_t)(n_real + n_fake) * sizeof(float));
    int rc = d ? WK_OK : WK_ENOMEM;
    if (rc == WK_OK) rc = wk__critic_values_offset_free(t, real, n_real, d);
    if (rc == WK_OK) rc = wk__critic_values_offset_free(t, fake, n_fake, d + n_real);
    if (rc == WK_OK) {
        double er = 0, ef = 0;
        for (int64_t i = 0; i < n_real; i++) er += d[i];
        for (int64_t i = 0; i < n_fake; i++) ef += d[n_real + i];
        *out = er / (double)n_real - ef / (double)n_fake;
    }
    wk_free(d);
    return rc;
}

/* Exact W1 between flat [n, dim] point sets (uniform weights). */
static int exact_w1(const wk_trainer *t, const wk_tensor *a, const wk_tensor *b, double *out) {
    wk_ot_options o;
    wk_ot_result res = {0};
    wk_ot_options_default(&o);
    o.seed = t->cfg.seed;
    int rc = t->dim == 1 ? wk_wp_1d(a->data, NULL, a->shape[0], b->data, NULL, b->shape[0], 1, &res.value)
                         : wk_w1_exact(a, NULL, b, NULL, &o, &res);
    *out = res.value;
    wk_ot_result_free(&res);
    return rc;
}

/* Exact W1 between raw point sets a [na, dim] and b [nb, dim] (the real-vs-real floor's rows). */
static int w1_between(const wk_trainer *t, const float *a, int64_t na, const float *b, int64_t nb, double *out) {
    wk_tensor ta = {(float *)a, 2, {na, t->dim}, na * t->dim, WK_DEVICE_CPU};
    wk_tensor tb = {(float *)b, 2, {nb, t->dim}, nb * t->dim, WK_DEVICE_CPU};
    return exact_w1(t, &ta, &tb, out);
}

/* The real-vs-real floor (gan.h, wk_gan_metrics.w1_floor), once per trainer: W1 between the
 * n_real held-out points the evaluation uses and n_fake other real points, the sizes of the W1
 * it is read against (W1 between samples shrinks with n, so a floor at smaller n is biased
 * high: a perfect generator would read as below it). Synthetic targets draw the others fresh
 * from their own stream; files take the held-out rows after the evaluation's, else the first
 * n_fake training rows (shuffled at load, disjoint from the held-out split, so an independent
 * real sample; the epoch order is an index, the rows never move). Only when neither can supply
 * n_fake rows are the held-out split's two halves compared (w1_floor_n is then the half's size,
 * below eval_n, and the run's summary says the floor is biased high). */
static int real_floor(wk_trainer *t, int64_t n_real, int64_t n_fake) {
    if (t->floor_n > 0) return WK_OK;
    const wk_tensor *h = &t->ds.holdout;
    int64_t m = h->shape[0];
    int rc;
    if (t->ds.synthetic) {
        wk_tensor other;
        wk_rng r;
        wk_rng_seed_stream(&r, t->cfg.seed, WK_STREAM_EVAL_FLOOR);
        if ((rc = wk_tensor_alloc(&other, 2, (int64_t[]){n_fake, t->dim}))) return rc;
        if (!(rc = wk_target_sample(&t->ds.target, &r, &other))) rc = w1_between(t, other.data, n_fake, h->data, n_real, &t->floor);
        wk_tensor_free(&other);
        t->floor_n = n_fake;
    } else if (m >= n_real + n_fake) {
        rc = w1_between(t, h->data + n_real * t->dim, n_fake, h->data, n_real, &t->floor);
        t->floor_n = n_fake;
    } else if (t->ds.train.data && t->ds.train.shape[0] >= n_fake) {
        rc = w1_between(t, t->ds.train.data, n_fake, h->data, n_real, &t->floor);
        t->floor_n = n_fake;
    } else {
        int64_t half = m / 2;
        if (half < 1) return wk_errorf(WK_EINVAL, "evaluate: %lld held-out rows cannot give a real-vs-real floor", (long long)m);
        rc = w1_between(t, h->data + half * t->dim, half, h->data, half, &t->floor);
        t->floor_n = half;
    }
    if (rc) t->floor_n = 0;
    return rc ? wk_error_context(rc, "real-vs-real W1 floor") : WK_OK;
}

/* The first n rows of x [N, ...] as a flat [n, dim] view. */
static wk_tensor head_rows(const wk_tensor *x, int64_t n, int64_t dim) {
    wk_tensor v = *x;
    wk_tensor_set_shape(&v, 2, (int64_t[]){n, dim});
    return v;
}

/* track_generalization: the generated points `fake` [n_fake, dim] against the first n rows of
 * the training sample and of the held-out sample (both shuffled at load), n the smallest of the
 * two sizes and eval_n, so W1's small-sample bias is the same on both sides (Arora et al. 2017,
 * §3: a distance can be small to the training sample and large to the distribution). */
static int generalization_gap(wk_trainer *t, const wk_tensor *fake, int64_t n_eval_real, wk_gan_metrics *m) {
    int64_t n = t->ds.train.shape[0] < t->ds.holdout.shape[0] ? t->ds.train.shape[0] : t->ds.holdout.shape[0];
    if (n > t->cfg.eval_n) n = t->cfg.eval_n;
    wk_tensor tr = head_rows(&t->ds.train, n, t->dim), ho = head_rows(&t->ds.holdout, n, t->dim);
    int rc = critic_gap(t, tr.data, n, fake->data, fake->shape[0], &m->d_d_train);
    if (rc == WK_OK) rc = exact_w1(t, fake, &tr, &m->w1_train);
    if (n == n_eval_real) m->w1_heldout = m->w1, m->d_d_heldout = m->d_d; /* the same points: already measured */
    else {
        if (rc == WK_OK) rc = critic_gap(t, ho.data, n, fake->data, fake->shape[0], &m->d_d_heldout);
        if (rc == WK_OK) rc = exact_w1(t, fake, &ho, &m->w1_heldout);
    }
    return rc;
}

/* A finite training sample to compare with: a file, or a synthetic target with data_n > 0 (the
 * message names the settings as key=value, gan.h's names; the CLI adds its flags). */
int wk__track_generalization_check(const wk_gan_config *c, const wk_dataset *ds) {
    if (c->track_generalization && (!ds->train.data || ds->train.shape[0] < 1))
        return wk_errorf(WK_EINVAL, "track_generalization=1 needs a finite training sample: a data file, "
                                    "or data_n=N with a synthetic target (data=%s draws fresh points every batch)", c->data);
    return WK_OK;
}

static int trainer_evaluate(wk_trainer *t, wk_gan_metrics *m) {
    if (!t->has_data) return wk_errorf(WK_EINVAL, "evaluate: no data attached");
    /* The step graph's memory (the DCGAN critic step's is ~120 MB) goes back before the metrics
     * build graphs of their own, so the process peak is the larger of the two, not their sum;
     * the next step takes it again (evaluations are hundreds of steps apart). */
    wk_graph_trim(t->g_critic);
    const wk_gan_config *c = &t->cfg;
    memset(m, 0, sizeof *m);
    wk__mix_metrics(t, m);
    m->step = t->step;
    m->loss_d = t->loss_d, m->loss_g = t->loss_g;
    m->grad_norm_d = t->grad_norm_d, m->grad_norm_g = t->grad_norm_g;
    m->modes = m->hq_pct = m->n_modes = m->w1_floor = m->w1_floor_n = m->w1_real_n = NAN;
    m->w1_train = m->w1_heldout = m->d_d_train = m->d_d_heldout = NAN;
    int64_t n_real = t->ds.holdout.shape[0] < c->eval_n ? t->ds.holdout.shape[0] : c->eval_n, n_fake = c->eval_n;
    wk_tensor fake, real = t->ds.holdout;
    real.shape[0] = n_real;
    real.numel = n_real * t->dim;
    int rc = wk_trainer_sample(t, NULL, n_fake, wk_rng_stream_seed(c->seed, WK_STREAM_EVAL_FAKE), 1, &fake);
    if (rc) return rc;
    rc = critic_gap(t, real.data, n_real, fake.data, n_fake, &m->d_d);
    if (rc == WK_OK) rc = wk_tensor_check_finite(&fake, "generated samples");
    /* flat [n, dim] views for OT and coverage */
    wk_tensor a = fake, b = real;
    wk_tensor_set_shape(&a, 2, (int64_t[]){n_fake, t->dim});
    wk_tensor_set_shape(&b, 2, (int64_t[]){n_real, t->dim});
    if (rc == WK_OK) rc = exact_w1(t, &a, &b, &m->w1);
    if (rc == WK_OK) m->w1_real_n = (double)n_real;
    if (rc == WK_OK && (rc = real_floor(t, n_real, n_fake)) == WK_OK) m->w1_floor = t->floor, m->w1_floor_n = (double)t->floor_n;
    if (rc == WK_OK && c->track_generalization && t->ds.train.data) rc = generalization_gap(t, &a, n_real, m);
    if (rc == WK_OK) rc = wk__image_metrics(t, &fake, &real, m);
    if (rc == WK_OK && t->ds.synthetic && t->ds.target.n_modes > 0) {
        wk_mode_coverage cov;
        if ((rc = wk_mode_coverage_compute(&t->ds.target, &a, 0, &cov)) == WK_OK) {
            m->modes = cov.modes_covered;
            m->n_modes = cov.n_modes;
            m->hq_pct = cov.high_quality_pct;
            wk_mode_coverage_free(&cov);
        }
    }
    if (rc == WK_OK) {
        wk_lipschitz_report r;
        wk_tensor pts = b;
        int64_t np = n_real < 1000 ? n_real : 1000; /* enough for the bounds, cheap for images */
        pts.shape[0] = np, pts.numel = np * t->dim;
        if ((rc = wk_trainer_lipschitz_report(t, &pts, &r)) == WK_OK) {
            m->lip_grad_max = r.grad_max;
            m->lip_grad_mean = r.grad_mean;
            m->lip_certified = r.certified;
            m->lip_pair_max = r.pair_max;
        }
    }
    wk_tensor_free(&fake);
    return rc;
}

int wk_trainer_evaluate(wk_trainer *t, wk_gan_metrics *m) { WK_TRAINER_CALL(t, trainer_evaluate(t, m)); }

void wk_gan_metrics_to_json(const wk_gan_metrics *m, wk_strbuf *sb) {
    wk_sb_putc(sb, '{');
    wk_json_key(sb, "step");
    wk_json_int(sb, m->step);
    const struct {
        const char *k;
        double v;
    } f[] = {{"w1", m->w1}, {"w1_floor", m->w1_floor}, {"w1_floor_n", m->w1_floor_n}, {"w1_real_n", m->w1_real_n}, {"d_D", m->d_d}, {"loss_d", m->loss_d}, {"loss_g", m->loss_g},
             {"gradnorm_d", m->grad_norm_d}, {"gradnorm_g", m->grad_norm_g}, {"lip_grad_max", m->lip_grad_max},
             {"lip_grad_mean", m->lip_grad_mean}, {"lip_certified", m->lip_certified}, {"lip_pair_max", m->lip_pair_max},
             {"modes", m->modes}, {"n_modes", m->n_modes}, {"hq_pct", m->hq_pct}, {"time_s", m->seconds},
             {"speed_it_s", m->it_per_s}, {"w1_train", m->w1_train}, {"w1_heldout", m->w1_heldout},
             {"d_D_train", m->d_d_train}, {"d_D_heldout", m->d_d_heldout}};
    /* NaN: not measured, left out; ±Inf is written null (JSON has no Inf) with its reason beside
     * it, "<key>_null" (wk_json_logged_double: a -Inf says so, so a resume reads the sign back): a
     * layer-norm critic's certified bound (layer norm is not globally Lipschitz) */
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (!isnan(f[i].v)) wk_json_logged_double(sb, f[i].k, f[i].v, !strcmp(f[i].k, "lip_certified") ? WK_LIP_NO_BOUND_REASON : NULL);
    if (m->image.mask) wk_metric_values_json(&m->image, sb);
    wk__mix_metrics_json(m, sb);
    wk_sb_putc(sb, '}');
}
