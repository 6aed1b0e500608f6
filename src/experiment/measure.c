/* measure.c — the measurements the experiments make on trained generators: d_Lip = W1 by the
 * exact solver between large fresh samples, repeated for an interval (Biau et al. 2021 measure
 * d_Lip with POT's exact solver; the authors' code: 1,024 vs 1,024 points, 5 repeats, mean and 95 %
 * interval); d_D by the held-out neural net distance of a fresh GroupSort critic of depth q
 * (nnd.h: the supremum over the class approached by training, not the co-trained critic's gap);
 * and per-step training times for the run-time estimates. */
#include <math.h>
#include <string.h>

#include "experiment/expt_internal.h"
#include "wgankit/error.h"
#include "wgankit/nnd.h"
#include "wgankit/ot.h"
#include "wgankit/source.h"
#include "wgankit/stats.h"

int wk_expt_w1_repeated(wk_source *a, wk_source *b, int64_t n, int repeats, uint64_t seed, int threads, wk_interval *out) {
    double v[WK_EXPT_MAX_LIST];
    if (repeats < 1 || repeats > WK_EXPT_MAX_LIST)
        return wk_errorf(WK_EINVAL, "W1 repeats: %d is outside [1, %d]", repeats, WK_EXPT_MAX_LIST);
    int rc = wk_source_match_units(a, b);
    wk_rng rng;
    wk_rng_seed(&rng, seed ^ 0xd11b5eedULL);
    for (int r = 0; r < repeats && !rc; r++) {
        wk_tensor xa = {0}, xb = {0};
        rc = wk_source_draw(a, n, &rng, &xa);
        if (!rc) rc = wk_source_draw(b, n, &rng, &xb);
        if (!rc) {
            int64_t sa[2] = {n, xa.numel / n}, sb[2] = {n, xb.numel / n};
            wk_tensor_set_shape(&xa, 2, sa), wk_tensor_set_shape(&xb, 2, sb);
            wk_ot_options opt;
            memset(&opt, 0, sizeof opt);
            opt.threads = threads;
            wk_ot_result res;
            memset(&res, 0, sizeof res);
            rc = wk_w1_exact(&xa, NULL, &xb, NULL, &opt, &res);
            v[r] = res.value;
            wk_ot_result_free(&res);
        }
        wk_tensor_free(&xa), wk_tensor_free(&xb);
    }
    if (rc) return wk_error_context(rc, "W1 between %s and %s", a->spec, b->spec);
    wk_mean_interval(v, repeats, 0.95, out);
    return WK_OK;
}

int wk_expt_d_d(wk_source *a, wk_source *b, int q, int64_t width, int64_t m, int64_t steps, int repeats, uint64_t seed,
                int threads, double *mean, double *se) {
    wk_nnd_config c;
    wk_nnd_config_default(&c);
    char buf[32];
    int rc = WK_OK;
    snprintf(buf, sizeof buf, "%d", q);
    rc = wk_nnd_config_set(&c, "critic_depth", buf);
    snprintf(buf, sizeof buf, "%lld", (long long)width);
    if (!rc) rc = wk_nnd_config_set(&c, "critic_width", buf);
    if (rc) return rc;
    c.m = m, c.steps = steps, c.repeats = repeats, c.patience = 0;
    c.critic.seed = seed, c.critic.threads = threads;
    wk_nnd_result r;
    rc = wk_nnd_estimate(&c, a, b, &r);
    if (rc) return wk_error_context(rc, "d_D (critic depth %d) between %s and %s", q, a->spec, b->spec);
    *mean = r.nnd_heldout, *se = r.se;
    return WK_OK;
}

int wk_expt_d_d_sample(const wk_tensor *rows, wk_source *target, int q, int64_t width, int64_t N, int64_t steps, uint64_t seed,
                       int threads, double *out) {
    wk_nnd_config c;
    wk_nnd_config_default(&c);
    char buf[32];
    snprintf(buf, sizeof buf, "%d", q);
    int rc = wk_nnd_config_set(&c, "critic_depth", buf);
    snprintf(buf, sizeof buf, "%lld", (long long)width);
    if (!rc) rc = wk_nnd_config_set(&c, "critic_width", buf);
    if (rc) return rc;
    c.steps = steps, c.patience = 0, c.critic.seed = seed, c.critic.threads = threads;
    wk_rng rng;
    wk_rng_seed(&rng, seed ^ 0x5a3b1eULL);
    wk_tensor t1 = {0}, t2 = {0};
    wk_nnd_fit f;
    rc = wk_source_draw(target, N, &rng, &t1);
    if (!rc) rc = wk_source_draw(target, N, &rng, &t2);
    if (!rc) rc = wk_nnd_fit_halves(&c, rows, &t1, rows, &t2, seed, &f);
    wk_tensor_free(&t1), wk_tensor_free(&t2);
    if (rc) return wk_error_context(rc, "d_D between a training sample and %s", target->spec);
    *out = f.heldout;
    return WK_OK;
}

int wk_expt_time_train_step(const wk_gan_config *cfg, int steps, double *seconds, double *eval_seconds) {
    wk_dataset ds;
    wk_trainer *t = NULL;
    int rc = wk_dataset_load(cfg, &ds);
    if (rc) return rc;
    if ((rc = wk_trainer_new(cfg, &ds, &t))) {
        wk_dataset_free(&ds);
        return rc;
    }
    rc = wk_trainer_step(t); /* warm-up: first-step allocations */
    double t0 = wk_monotonic_s();
    for (int i = 0; i < steps && !rc; i++) rc = wk_trainer_step(t);
    *seconds = (wk_monotonic_s() - t0) / (steps > 0 ? steps : 1);
    if (eval_seconds && !rc) {
        wk_gan_metrics m;
        t0 = wk_monotonic_s();
        rc = wk_trainer_evaluate(t, &m);
        *eval_seconds = wk_monotonic_s() - t0;
    }
    wk_trainer_free(t);
    return rc;
}
