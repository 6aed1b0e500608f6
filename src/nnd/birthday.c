/* birthday.c — the birthday-paradox support test (Arora & Zhang 2018; birthday.h): K batches of
 * S samples, the closest pair of each (closest_pairs.c) in the input space or a critic's feature
 * space, the duplicate threshold (given, or a quantile of the reference data's closest-pair
 * distances at the same S), and the support estimate N ≈ S(S−1)/(2 ln(1/(1−q))) with the Wilson
 * interval of q carried through the same monotone map. Pictures and tables for a person to
 * judge the pairs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/trainer_internal.h"
#include "nnd/nnd_internal.h"
#include "wgankit/result_dir.h"
#include "wgankit/birthday.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/json.h"
#include "wgankit/plot.h"

void wk_birthday_config_default(wk_birthday_config *c) {
    memset(c, 0, sizeof *c);
    c->batch = 0;
    c->trials = 100;
    c->threshold = -1;
    c->quantile = 0.05;
    c->n_pairs = 20;
    c->confidence = 0.95;
    c->seed = 1;
    c->arg_prefix = "--";
}

/* N(q) = S(S−1) / (2 ln(1/(1−q))), decreasing in q */
static double support_of(int64_t S, double q) {
    if (q <= 0) return INFINITY;
    if (q >= 1) return 0;
    return (double)S * (double)(S - 1) / (2 * -log1p(-q));
}

/* two-sided standard normal quantile for `confidence` (Acklam's rational approximation of the
 * inverse normal CDF, relative error < 1.2e-9) */
static double z_of(double confidence) {
    double p = 1 - (1 - confidence) / 2;
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                               1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01, -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
    if (p > 0.97575) {
        double q = sqrt(-2 * log(1 - p));
        return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    double q = p - 0.5, r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

void wk_support_estimate(int64_t S, int hits, int trials, double confidence, double *est, double *ci_low, double *ci_high) {
    double n = trials, q = trials > 0 ? hits / n : 0, z = z_of(confidence), z2 = z * z;
    /* Wilson score interval (Wilson 1927) for a binomial proportion */
    double centre = (q + z2 / (2 * n)) / (1 + z2 / n), half = z / (1 + z2 / n) * sqrt(q * (1 - q) / n + z2 / (4 * n * n));
    double q_lo = hits == 0 ? 0 : fmax(0, centre - half), q_hi = hits == trials ? 1 : fmin(1, centre + half);
    *est = support_of(S, q);
    *ci_low = support_of(S, q_hi);
    /* A duplicate in every batch: N(1) = 0 is no estimate (any support small enough gives q ~ 1),
     * so the point estimate and the lower end are undefined (NaN, JSON null); only the upper
     * bound from the Wilson q_lo says something. */
    if (trials > 0 && hits >= trials) *est = *ci_low = NAN;
    *ci_high = support_of(S, q_lo);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* K closest-pair distances of batches drawn from s; keeps the first batch and its pairs when
 * `r` is given. */
static int closest_series(const wk_birthday_config *c, wk_source *s, wk_embed_fn embed, void *ctx, wk_rng *rng, double *dist,
                          wk_birthday_result *r) {
    int rc = WK_OK;
    int keep = c->n_pairs < 1 ? 1 : c->n_pairs > 64 ? 64 : c->n_pairs;
    wk_pair *pairs = wk_malloc((size_t)keep * sizeof *pairs);
    if (!pairs) return WK_ENOMEM;
    for (int t = 0; t < c->trials && !rc; t++) {
        wk_tensor x, fx = {0};
        double *x64 = NULL; /* the file's float64 rows when it kept them (input space: exact as stored) */
        int n_found;
        if ((rc = wk_source_draw64(s, c->batch, rng, &x, embed ? NULL : &x64))) break;
        if (embed && (rc = embed(ctx, &x, &fx))) {
            wk_tensor_free(&x);
            break;
        }
        rc = wk_closest_pairs_f64(embed ? &fx : &x, x64, t == 0 && r ? keep : 1, pairs, &n_found);
        wk_free(x64);
        if (!rc) {
            dist[t] = pairs[0].dist;
            if (t == 0 && r) {
                memcpy(r->pairs, pairs, (size_t)n_found * sizeof *pairs);
                r->n_pairs = n_found;
                r->first = x;
                memset(&x, 0, sizeof x);
            }
        }
        wk_tensor_free(&x);
        wk_tensor_free(&fx);
    }
    wk_free(pairs);
    return rc;
}

int wk_birthday_run(const wk_birthday_config *c, wk_source *src, wk_source *reference, wk_embed_fn embed, void *embed_ctx,
                    wk_birthday_result *out) {
    memset(out, 0, sizeof *out);
    const char *a = c->arg_prefix ? c->arg_prefix : "--";
    if (c->batch < 2) return wk_errorf(WK_EINVAL, "%sbatch: S must be >= 2 (got %lld)", a, (long long)c->batch);
    if (c->trials < 1) return wk_errorf(WK_EINVAL, "%strials must be >= 1 (got %d)", a, c->trials);
    if (!(c->quantile > 0 && c->quantile < 1)) return wk_errorf(WK_EINVAL, "%squantile must be in (0, 1) (got %g)", a, c->quantile);
    if (!(c->confidence > 0 && c->confidence < 1)) return wk_errorf(WK_EINVAL, "%sconfidence must be in (0, 1) (got %g)", a, c->confidence);
    if (!isfinite(c->threshold)) return wk_errorf(WK_EINVAL, "%sthreshold must be finite", a);
    if (c->threshold < 0 && !reference)
        return wk_errorf(WK_EINVAL, "%sthreshold: none given and no reference data to take a quantile from (give %sreference)", a, a);
    if (!wk_source_is_population(src) && c->batch > wk_source_size(src))
        return wk_errorf(WK_EINVAL, "%sbatch %lld is larger than '%s' (%lld rows)", a, (long long)c->batch, src->spec,
                         (long long)wk_source_size(src));
    int rc;
    if (c->threshold < 0 && (rc = wk_source_match_units(src, reference))) return rc;
    if (c->threshold < 0 && !wk_source_is_population(reference) && c->batch > wk_source_size(reference))
        return wk_errorf(WK_EINVAL, "%sbatch %lld is larger than the reference '%s' (%lld rows)", a, (long long)c->batch,
                         reference->spec, (long long)wk_source_size(reference));
    out->batch = c->batch;
    out->trials = c->trials;
    out->closest = wk_malloc((size_t)c->trials * sizeof(double));
    if (!out->closest) return WK_ENOMEM;
    wk_rng master, r_src, r_ref;
    wk_rng_seed(&master, c->seed);
    r_src = wk_rng_split(&master);
    r_ref = wk_rng_split(&master);
    if ((rc = closest_series(c, src, embed, embed_ctx, &r_src, out->closest, out))) goto fail;
    out->threshold = c->threshold;
    if (c->threshold < 0) {
        if (!(out->ref_closest = wk_malloc((size_t)c->trials * sizeof(double)))) {
            rc = WK_ENOMEM;
            goto fail;
        }
        if ((rc = closest_series(c, reference, embed, embed_ctx, &r_ref, out->ref_closest, NULL)))
            goto fail;
        double *sorted = wk_malloc((size_t)c->trials * sizeof *sorted);
        if (!sorted) {
            rc = WK_ENOMEM;
            goto fail;
        }
        memcpy(sorted, out->ref_closest, (size_t)c->trials * sizeof *sorted);
        qsort(sorted, (size_t)c->trials, sizeof *sorted, cmp_double);
        /* the lower empirical quantile: a batch of real data counts as holding a duplicate about a
         * fraction `quantile` of the time (linear interpolation between order statistics) */
        double pos = c->quantile * (c->trials - 1);
        int lo = (int)floor(pos);
        out->threshold = lo + 1 < c->trials ? sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
        wk_free(sorted);
    }
    for (int t = 0; t < c->trials; t++) out->duplicates += out->closest[t] <= out->threshold;
    out->duplicate_fraction = (double)out->duplicates / c->trials;
    out->confidence = c->confidence;
    wk_support_estimate(c->batch, out->duplicates, c->trials, c->confidence, &out->support_estimate, &out->ci_low,
                        &out->ci_high);
    return WK_OK;
fail:
    wk_birthday_result_free(out);
    return rc;
}

void wk_birthday_result_free(wk_birthday_result *r) {
    wk_free(r->closest);
    wk_free(r->ref_closest);
    wk_tensor_free(&r->first);
    memset(r, 0, sizeof *r);
}

void wk_birthday_result_to_json(const wk_birthday_result *r, wk_strbuf *sb) {
    wk_sb_putc(sb, '{');
    wk__json_num(sb, "support_estimate", r->support_estimate);
    wk__json_num(sb, "ci_low", r->ci_low);
    wk__json_num(sb, "ci_high", r->ci_high);
    wk__json_num(sb, "confidence", r->confidence);
    wk__json_num(sb, "duplicate_fraction", r->duplicate_fraction);
    wk_json_key(sb, "batch");
    wk_json_int(sb, r->batch);
    wk_json_key(sb, "trials");
    wk_json_int(sb, r->trials);
    wk__json_num(sb, "threshold", r->threshold);
    wk_json_key(sb, "duplicates");
    wk_json_int(sb, r->duplicates);
    wk_json_key(sb, "threshold_from");
    wk_json_string(sb, r->ref_closest ? "reference" : "given");
    wk_sb_putc(sb, '}');
}

/* ---- pictures -------------------------------------------------------------------------------- */

/* Image pairs side by side: tiles 2k, 2k+1 are pair k, four pairs per row; values mapped from
 * the batch's [min, max] to [-1, 1]. */
static int pairs_images(const wk_birthday_result *r, const char *path) {
    const wk_tensor *x = &r->first;
    int64_t row = x->numel / x->shape[0], shape[WK_MAX_DIMS];
    memcpy(shape, x->shape, sizeof shape);
    shape[0] = 2 * (int64_t)r->n_pairs;
    wk_tensor t;
    int rc = wk_tensor_alloc(&t, x->ndim, shape);
    if (rc) return rc;
    float lo = INFINITY, hi = -INFINITY;
    for (int64_t i = 0; i < x->numel; i++) lo = fminf(lo, x->data[i]), hi = fmaxf(hi, x->data[i]);
    float mul = hi > lo ? 2 / (hi - lo) : 0;
    for (int k = 0; k < r->n_pairs; k++)
        for (int s = 0; s < 2; s++) {
            const float *src = x->data + (s ? r->pairs[k].j : r->pairs[k].i) * row;
            for (int64_t q = 0; q < row; q++) t.data[(2 * k + s) * row + q] = (src[q] - lo) * mul - 1;
        }
    rc = wk_png_write_grid(path, &t, 8, 2);
    wk_tensor_free(&t);
    return rc;
}

/* 2-D pairs: an overview of the batch with each pair's segment and a red ring around it (both in
 * the legend), and a zoom panel per pair (the pair's segment and the batch points around it, 5
 * pair-distances either side), since near-duplicates are far below the overview's pixel size. */
static int pairs_scatter(const wk_birthday_result *r, const char *dir) {
    const float *x = r->first.data;
    const int64_t n = r->first.shape[0];
    float seg[64 * 4];
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (int64_t i = 0; i < n; i++)
        for (int d = 0; d < 2; d++) lo[d] = fmin(lo[d], x[2 * i + d]), hi[d] = fmax(hi[d], x[2 * i + d]);
    double half = fmax(fmax(hi[0] - lo[0], hi[1] - lo[1]) / 2 * 1.1, 1e-6), mid[2] = {(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2};
    for (int k = 0; k < r->n_pairs; k++) {
        const float *a = x + 2 * r->pairs[k].i, *b = x + 2 * r->pairs[k].j;
        seg[4 * k] = a[0], seg[4 * k + 1] = a[1], seg[4 * k + 2] = b[0], seg[4 * k + 3] = b[1];
    }
    wk_scatter_spec s;
    wk_scatter_default(&s);
    s.fake = x, s.n_fake = n; /* the batch (green) */
    s.segments = seg, s.n_segments = r->n_pairs;
    s.ring_segments = 1; /* rings placed by the renderer's own plot-area transform, not the whole picture's */
    s.xmin = mid[0] - half, s.xmax = mid[0] + half, s.ymin = mid[1] - half, s.ymax = mid[1] + half;
    char path[1200];
    snprintf(path, sizeof path, "%s/pairs.png", dir);
    int rc = wk_scatter_png(path, &s);
    if (rc) return rc;
    /* zoom panels, 5 per row, each the bare P x P plot area (decorate 0: the tile is exactly P
     * pixels wide, so its rows are copied with their own stride) with a 2 px gap */
    const int P = 160, cols = 5, rows_ = (r->n_pairs + cols - 1) / cols;
    wk_image img, tile;
    if ((rc = wk_image_alloc(&img, cols * (P + 2) + 2, rows_ * (P + 2) + 2, 3))) return rc;
    s.decorate = 0;
    s.width = s.height = P;
    for (int k = 0; k < r->n_pairs && !rc; k++) {
        double h = fmax(5 * r->pairs[k].dist, 1e-6 * (1 + half));
        double cx = (seg[4 * k] + seg[4 * k + 2]) / 2, cy = (seg[4 * k + 1] + seg[4 * k + 3]) / 2;
        s.xmin = cx - h, s.xmax = cx + h, s.ymin = cy - h, s.ymax = cy + h;
        s.segments = seg + 4 * k, s.n_segments = 1;
        s.ring_segments = 0; /* at this scale the segment itself shows; a ring would cover it */
        if ((rc = wk_scatter_render(&s, &tile))) break;
        int ox = 2 + (k % cols) * (P + 2), oy = 2 + (k / cols) * (P + 2), w = tile.width < P ? tile.width : P;
        for (int y = 0; y < P && y < tile.height; y++)
            memcpy(img.pixels + ((size_t)(oy + y) * img.width + ox) * 3, tile.pixels + (size_t)y * tile.width * 3, (size_t)w * 3);
        wk_image_free(&tile);
    }
    snprintf(path, sizeof path, "%s/pairs_zoom.png", dir);
    if (!rc) rc = wk_png_write(path, &img);
    wk_image_free(&img);
    return rc;
}

int wk_birthday_write(const wk_birthday_config *c, const wk_birthday_result *r, const char *dir) {
    (void)c;
    char path[1200];
    /* never over a run's, a sweep's or an experiment's directory (result_dir.h) */
    int rc = wk__make_dir(dir);
    if (!rc) rc = wk_result_dir_claim(dir, WK_DIR_BIRTHDAY, NULL, NULL, "out");
    if (rc) return rc;
    const wk_tensor *x = &r->first;
    snprintf(path, sizeof path, "%s/pairs.png", dir);
    if (x->ndim == 4 && (x->shape[1] == 1 || x->shape[1] == 3)) rc = pairs_images(r, path);
    else if (x->ndim == 2 && x->shape[1] == 2) rc = pairs_scatter(r, dir);
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_sb_puts(&sb, "rank,i,j,distance\n");
    for (int k = 0; k < r->n_pairs; k++)
        wk_sb_printf(&sb, "%d,%lld,%lld,%.17g\n", k + 1, (long long)r->pairs[k].i, (long long)r->pairs[k].j, r->pairs[k].dist);
    if (!rc) rc = wk__write_sb(dir, "pairs.csv", &sb);
    wk_sb_puts(&sb, r->ref_closest ? "trial,closest,reference_closest\n" : "trial,closest\n");
    for (int t = 0; t < r->trials; t++) {
        wk_sb_printf(&sb, "%d,%.17g", t, r->closest[t]);
        if (r->ref_closest) wk_sb_printf(&sb, ",%.17g", r->ref_closest[t]);
        wk_sb_putc(&sb, '\n');
    }
    if (!rc) rc = wk__write_sb(dir, "closest.csv", &sb);
    wk_birthday_result_to_json(r, &sb);
    wk_sb_putc(&sb, '\n');
    if (!rc) rc = wk__write_sb(dir, "birthday.json", &sb);
    wk_sb_free(&sb);
    /* empirical CDFs of the closest-pair distance (and of the reference's), threshold as a vertical line */
    int K = r->trials;
    double *buf = wk_malloc((size_t)(4 * K + 4) * sizeof *buf);
    if (!buf) return rc ? rc : WK_ENOMEM;
    double *xs = buf, *ys = buf + K, *rx = buf + 2 * K, *ry = buf + 3 * K, tx[2], ty[2] = {0, 1};
    memcpy(xs, r->closest, (size_t)K * sizeof *xs);
    qsort(xs, (size_t)K, sizeof *xs, cmp_double);
    for (int t = 0; t < K; t++) ys[t] = (t + 1.0) / K;
    wk_series series[3];
    size_t ns = 0;
    series[ns++] = (wk_series){.name = "closest pair (batches)", .x = xs, .y = ys, .n = (size_t)K};
    if (r->ref_closest) {
        memcpy(rx, r->ref_closest, (size_t)K * sizeof *rx);
        qsort(rx, (size_t)K, sizeof *rx, cmp_double);
        for (int t = 0; t < K; t++) ry[t] = (t + 1.0) / K;
        series[ns++] = (wk_series){.name = "reference data", .x = rx, .y = ry, .n = (size_t)K};
    }
    tx[0] = tx[1] = r->threshold;
    series[ns++] = (wk_series){.name = "threshold", .x = tx, .y = ty, .n = 2};
    wk_chart_spec chart = {.title = "closest-pair distance per batch (empirical CDF)", .x_label = "distance",
                           .y_label = "fraction of batches", .width = 640, .height = 360};
    snprintf(path, sizeof path, "%s/closest.svg", dir);
    if (!rc) rc = wk_svg_write_line_chart(path, &chart, series, ns);
    snprintf(path, sizeof path, "%s/closest.png", dir);
    if (!rc) rc = wk_png_line_chart(path, &chart, series, ns);
    wk_free(buf);
    return rc;
}

/* ---- the critic as a feature map --------------------------------------------------------------- */

int wk_critic_features(void *trainer, const wk_tensor *x, wk_tensor *out) {
    wk_trainer *t = trainer;
    wk_model head = *wk_trainer_critic_model(t); /* shares the layers; stops before the last one */
    memset(out, 0, sizeof *out);
    if (head.n_layers < 2) return wk_errorf(WK_EINVAL, "critic space: the critic has no hidden layer");
    head.n_layers--;
    head.output_clamp = 0;
    head.frozen = 1;
    const int64_t n = x->shape[0], row = x->numel / n, chunk = 1000;
    wk_graph *g = wk_graph_new();
    if (!g) return WK_ENOMEM;
    int rc = WK_OK;
    int64_t shape[WK_MAX_DIMS];
    memcpy(shape, x->shape, sizeof shape);
    for (int64_t s = 0; s < n && !rc; s += chunk) {
        shape[0] = n - s < chunk ? n - s : chunk;
        wk_graph_reset(g);
        wk_var *xv = wk_input_empty(g, x->ndim, shape, 0), *y = NULL;
        if (xv) {
            memcpy(wk_input_data(xv), x->data + s * row, (size_t)(shape[0] * row) * sizeof(float));
            y = wk_model_forward(&head, g, xv, 0);
        }
        if (!y) {
            rc = wk_graph_status(g);
            break;
        }
        const wk_tensor *v = wk_value(y);
        int64_t f = v->numel / shape[0];
        if (!out->data && (rc = wk_tensor_alloc(out, 2, (int64_t[]){n, f}))) break;
        memcpy(out->data + s * f, v->data, (size_t)v->numel * sizeof(float));
    }
    wk_graph_free(g);
    if (rc) wk_tensor_free(out);
    return rc;
}
