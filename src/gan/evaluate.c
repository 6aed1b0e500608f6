/* evaluate.c — what a run logs: d_Lip = exact W1 between generated and held-out real samples
 * (Biau et al. 2021 compare it with the critic's estimate d_D = E_real D − E_fake D), losses,
 * gradient norms, the critic's Lipschitz report, and for known mixtures the VEEGAN/PacGAN mode
 * coverage. Evaluation draws from its own fixed stream (same latent codes at every evaluation)
 * and never touches the training streams, so evaluating does not change the training. */
#include <math.h>
#include <string.h>

#include "trainer_internal.h"
#include "wgankit/error.h"
#include "wgankit/json.h"
#include "wgankit/ot.h"

static int trainer_evaluate(wk_trainer *t, wk_gan_metrics *m) {
    if (!t->has_data) return wk_errorf(WK_EINVAL, "evaluate: no data attached");
    const wk_gan_config *c = &t->cfg;
    memset(m, 0, sizeof *m);
    wk__mix_metrics(t, m);
    m->step = t->step;
    m->loss_d = t->loss_d, m->loss_g = t->loss_g;
    m->grad_norm_d = t->grad_norm_d, m->grad_norm_g = t->grad_norm_g;
    m->modes = m->hq_pct = m->n_modes = NAN;
    int64_t n_real = t->ds.holdout.shape[0] < c->eval_n ? t->ds.holdout.shape[0] : c->eval_n, n_fake = c->eval_n;
    wk_tensor fake, real = t->ds.holdout;
    real.shape[0] = n_real;
    real.numel = n_real * t->dim;
    int rc = wk_trainer_sample(t, NULL, n_fake, c->seed ^ 0xe7a1e7a1ULL, 1, &fake);
    if (rc) return rc;
    float *d = wk_malloc((size_t)(n_real + n_fake) * sizeof(float));
    if (!d) rc = WK_ENOMEM;
    if (rc == WK_OK) rc = wk__critic_values(t, real.data, n_real, d);
    if (rc == WK_OK) rc = wk__critic_values(t, fake.data, n_fake, d + n_real);
    if (rc == WK_OK) {
        double er = 0, ef = 0;
        for (int64_t i = 0; i < n_real; i++) er += d[i];
        for (int64_t i = 0; i < n_fake; i++) ef += d[n_real + i];
        m->d_d = er / (double)n_real - ef / (double)n_fake;
    }
    wk_free(d);
    if (rc == WK_OK) rc = wk_tensor_check_finite(&fake, "generated samples");
    /* flat [n, dim] views for OT and coverage */
    wk_tensor a = fake, b = real;
    wk_tensor_set_shape(&a, 2, (int64_t[]){n_fake, t->dim});
    wk_tensor_set_shape(&b, 2, (int64_t[]){n_real, t->dim});
    if (rc == WK_OK) {
        wk_ot_options o;
        wk_ot_result res = {0};
        wk_ot_options_default(&o);
        o.seed = c->seed;
        rc = t->dim == 1 ? wk_wp_1d(a.data, NULL, n_fake, b.data, NULL, n_real, 1, &res.value)
                         : wk_w1_exact(&a, NULL, &b, NULL, &o, &res);
        m->w1 = res.value;
        wk_ot_result_free(&res);
    }
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
    } f[] = {{"w1", m->w1}, {"d_D", m->d_d}, {"loss_d", m->loss_d}, {"loss_g", m->loss_g},
             {"gradnorm_d", m->grad_norm_d}, {"gradnorm_g", m->grad_norm_g}, {"lip_grad_max", m->lip_grad_max},
             {"lip_grad_mean", m->lip_grad_mean}, {"lip_certified", m->lip_certified}, {"lip_pair_max", m->lip_pair_max},
             {"modes", m->modes}, {"n_modes", m->n_modes}, {"hq_pct", m->hq_pct}, {"time_s", m->seconds},
             {"speed_it_s", m->it_per_s}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (!isnan(f[i].v)) {
            wk_json_key(sb, f[i].k);
            wk_json_double(sb, f[i].v);
        }
    wk__mix_metrics_json(m, sb);
    wk_sb_putc(sb, '}');
}
