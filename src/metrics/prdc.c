/* prdc.c — improved precision and recall (Kynkäänniemi et al. 2019, sec. 2: k-NN balls, a
 * sample is inside a manifold when its distance to some sample of the other set is <= that
 * sample's k-th neighbour distance) and density and coverage (Naeem et al. 2020, eqs. 3-4, strict
 * <, as their prdc code). One pass over blocks of fake rows against every real row decides all
 * four; comparisons within the sgemm error bound are decided again exactly (knn_dist.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metrics/metrics_internal.h"
#include "wgankit/error.h"
#include "wgankit/metrics.h"

/* Is the distance below the threshold? 1 surely, 0 surely not, -1 within the error margin
 * (then the caller decides exactly, where < and <= differ). */
static inline int decide(float approx, double thr, double margin) {
    double delta = (double)approx - thr;
    return delta < -margin ? 1 : delta > margin ? 0 : -1;
}

int wk_prdc(const wk_tensor *real, const wk_tensor *fake, int pr_k, int dc_k, wk_prdc_result *out) {
    memset(out, 0, sizeof *out);
    mt_feat r, f;
    int rc = mt_views("precision/recall", real, fake, &r, &f);
    return rc ? rc : mt_prdc(&r, &f, pr_k, dc_k, out);
}

int mt_prdc(const mt_feat *real, const mt_feat *fake, int pr_k, int dc_k, wk_prdc_result *out) {
    memset(out, 0, sizeof *out);
    out->precision = out->recall = out->density = out->coverage = NAN;
    out->pr_k = pr_k;
    out->dc_k = dc_k;
    int kmax = pr_k > dc_k ? pr_k : dc_k;
    if (kmax <= 0) return wk_errorf(WK_EINVAL, "precision/recall/density/coverage: no k > 0 given");
    int64_t d = 0;
    char why[96];
    const char *metric = pr_k > 0 ? "precision/recall" : "density/coverage";
    int rc = WK_OK;
    /* each metric's own k against the real sample, so a refusal names the metric that needs it
     * (density/coverage's k = 5 was reported as precision/recall's, whose k = 3 was satisfied) */
    if (pr_k > 0) {
        snprintf(why, sizeof why, "more than k = %d for the k-NN radii", pr_k);
        rc = mt_check_feat("precision/recall", "real", real, pr_k + 1, why, &d);
    }
    if (!rc && dc_k > 0) {
        snprintf(why, sizeof why, "more than k = %d for the k-NN radii", dc_k);
        rc = mt_check_feat("density/coverage", "real", real, dc_k + 1, why, &d);
    }
    if (!rc && pr_k > 0) {
        snprintf(why, sizeof why, "more than k = %d for the k-NN radii of recall", pr_k);
        rc = mt_check_feat(metric, "fake", fake, pr_k + 1, why, &d);
    } else if (!rc) rc = mt_check_feat(metric, "fake", fake, 1, "one", &d);
    if (rc) return rc;
    md_set r, f;
    if ((rc = md_sets_init(&r, real, &f, fake))) return rc;
    int64_t nr = r.n, nf = f.n, rows = md_block_rows(nr);
    double *rr_pr = wk_malloc((size_t)nr * sizeof(double)), *rr_dc = wk_malloc((size_t)nr * sizeof(double));
    double *rf_pr = wk_malloc((size_t)nf * sizeof(double));
    unsigned char *in_fake = wk_calloc((size_t)nr, 1), *covered = wk_calloc((size_t)nr, 1);
    unsigned char *in_real = wk_calloc((size_t)nf, 1);
    int64_t *dens = wk_calloc((size_t)nf, sizeof(int64_t));
    float *buf = wk_malloc((size_t)(rows * nr) * sizeof(float));
    if (!rr_pr || !rr_dc || !rf_pr || !in_fake || !covered || !in_real || !dens || !buf) {
        rc = wk_errorf(WK_ENOMEM, "%s: out of memory for %lld x %lld samples", metric, (long long)nr, (long long)nf);
        goto done;
    }
    {
        int ks[2], nk = 0;
        double *dst[2];
        if (pr_k > 0) ks[nk] = pr_k, dst[nk++] = rr_pr;
        if (dc_k > 0) ks[nk] = dc_k, dst[nk++] = rr_dc;
        if ((rc = md_knn_radii(&r, ks, nk, dst))) goto done;
        if (pr_k > 0 && (rc = md_knn_radii(&f, &pr_k, 1, (double *[]){rf_pr}))) goto done;
    }
    for (int64_t i0 = 0; i0 < nf; i0 += rows) {
        int64_t i1 = i0 + rows < nf ? i0 + rows : nf;
        md_block(&f, i0, i1, &r, buf);
#pragma omp parallel for schedule(dynamic, 4)
        for (int64_t i = i0; i < i1; i++) {
            const float *row = buf + (i - i0) * nr;
            int64_t cnt = 0;
            int inside = 0;
            for (int64_t j = 0; j < nr; j++) {
                double m = md_margin(&f, i, &r, j), ex = -1;
#define EXACT() (ex >= 0 ? ex : (ex = md_exact(&f, i, &r, j)))
                if (pr_k > 0) {
                    /* precision: fake i inside real j's ball (<=) */
                    int v = decide(row[j], rr_pr[j], m);
                    if (v < 0) v = EXACT() <= rr_pr[j];
                    inside |= v;
                    /* recall: real j inside fake i's ball (<=) */
                    v = decide(row[j], rf_pr[i], m);
                    if (v < 0) v = EXACT() <= rf_pr[i];
                    if (v && !in_fake[j]) {
#pragma omp atomic write
                        in_fake[j] = 1;
                    }
                }
                if (dc_k > 0) {
                    int v = decide(row[j], rr_dc[j], m);
                    if (v < 0) v = EXACT() < rr_dc[j];
                    cnt += v;
                    if (v && !covered[j]) {
#pragma omp atomic write
                        covered[j] = 1;
                    }
                }
#undef EXACT
            }
            in_real[i] = (unsigned char)inside;
            dens[i] = cnt;
        }
    }
    if (pr_k > 0) {
        int64_t p = 0, q = 0;
        for (int64_t i = 0; i < nf; i++) p += in_real[i];
        for (int64_t j = 0; j < nr; j++) q += in_fake[j];
        out->precision = (double)p / (double)nf;
        out->recall = (double)q / (double)nr;
    }
    if (dc_k > 0) {
        int64_t s = 0, c = 0;
        for (int64_t i = 0; i < nf; i++) s += dens[i];
        for (int64_t j = 0; j < nr; j++) c += covered[j];
        out->density = (double)s / ((double)dc_k * (double)nf);
        out->coverage = (double)c / (double)nr;
    }
done:
    wk_free(rr_pr), wk_free(rr_dc), wk_free(rf_pr), wk_free(in_fake), wk_free(covered), wk_free(in_real);
    wk_free(dens), wk_free(buf);
    md_set_free(&r), md_set_free(&f);
    return rc;
}
