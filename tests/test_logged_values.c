/* test_logged_values.c — logged numbers JSON cannot hold come back from a log as they went in
 * (metrics.jsonl is reread on resume and rewritten with metrics.csv from what was read):
 *   1. wk_gan_metrics_to_json writes ±Inf null with "<key>_null" beside it; the reason of a -Inf
 *      names the sign ("not finite: -Inf"), so wk_json_logged (the resume's reader) gives -Inf back
 *      (was: every logged infinity read back as +Inf); +Inf keeps its reason (a layer-norm
 *      critic's lip_certified: WK_LIP_NO_BOUND_REASON); NaN is left out (not measured);
 *   2. image metrics (wk_metric_values_json / _from_json): a member that is ±Inf or NaN is written
 *      null with its reason and read back as that value, still logged (was: dropped; FD then read
 *      as 0 where its sibling terms were finite);
 *   3. the mixture weights (wk__mix_metrics_json / _from_json): a null entry is NaN and the other
 *      weights are kept (was: the whole row's weights dropped). */
#include <math.h>
#include <string.h>

#include "check.h"
#include "gan/trainer_internal.h"
#include "wgankit/json.h"
#include "wgankit/metrics.h"

static wk_json *parse(wk_strbuf *sb) {
    wk_json *o = NULL;
    REQUIRE(!wk_sb_status(sb) && wk_json_parse(sb->data, sb->len, "line", &o) == WK_OK, "parse: %s", wk_last_error());
    return o;
}

/* members written without braces (as the metrics line's writer adds them), parsed as one object */
static wk_json *parse_members(wk_strbuf *sb) {
    wk_strbuf line;
    wk_sb_init(&line);
    wk_sb_printf(&line, "{%s}", sb->data ? sb->data : "");
    wk_json *o = parse(&line);
    wk_sb_free(&line);
    return o;
}

static int same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

static void test_gan_metrics(void) {
    wk_gan_metrics m;
    memset(&m, 0, sizeof m);
    m.step = 7, m.w1 = 0.5, m.d_d = -INFINITY, m.loss_d = INFINITY, m.loss_g = -1.25, m.lip_certified = INFINITY;
    m.lip_pair_max = -INFINITY, m.grad_norm_d = NAN, m.mix = 1;
    double *nan_rest[] = {&m.w1_floor, &m.w1_floor_n, &m.w1_real_n, &m.grad_norm_g, &m.lip_grad_max, &m.lip_grad_mean, &m.modes,
                          &m.n_modes, &m.hq_pct, &m.seconds, &m.it_per_s, &m.w1_train, &m.w1_heldout, &m.d_d_train, &m.d_d_heldout};
    for (size_t i = 0; i < sizeof nan_rest / sizeof nan_rest[0]; i++) *nan_rest[i] = NAN;
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_gan_metrics_to_json(&m, &sb);
    wk_json *o = parse(&sb);
    const struct {
        const char *k;
        double v;
    } want[] = {{"w1", 0.5}, {"d_D", -INFINITY}, {"loss_d", INFINITY}, {"loss_g", -1.25}, {"lip_certified", INFINITY},
                {"lip_pair_max", -INFINITY}, {"gradnorm_d", NAN}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        double got = wk_json_logged(o, want[i].k);
        CHECK(same(got, want[i].v), "%s: written %g, read back %g (%s)", want[i].k, want[i].v, got, sb.data);
    }
    const wk_json *r = wk_json_get(o, "lip_certified_null"), *n = wk_json_get(o, "d_D_null");
    CHECK(r && r->type == WK_JSON_STRING && !strcmp(r->string, WK_LIP_NO_BOUND_REASON), "lip_certified keeps its reason");
    CHECK(n && n->type == WK_JSON_STRING && !strcmp(n->string, "not finite: -Inf"), "d_D's reason names -Inf: %s", sb.data);
    CHECK(!wk_json_get(o, "gradnorm_d"), "NaN (not measured) left out");
    wk_json_free(o);
    /* a line of an earlier build ("not finite" for either sign) reads +Inf, as it did */
    const char *old = "{\"step\":1,\"d_D\":null,\"d_D_null\":\"not finite\",\"w1\":null}";
    REQUIRE(wk_json_parse(old, strlen(old), "old", &o) == WK_OK, "parse old");
    CHECK(wk_json_logged(o, "d_D") == INFINITY && isnan(wk_json_logged(o, "w1")) && isnan(wk_json_logged(o, "loss_d")),
          "older line: +Inf, null without reason NaN, absent NaN");
    wk_json_free(o);
    wk_sb_free(&sb);
}

static void test_image_metrics(void) {
    wk_metric_values v, back;
    memset(&v, 0, sizeof v);
    v.mask = WK_METRIC_FD | WK_METRIC_KID | WK_METRIC_IS;
    v.fd.fd = INFINITY, v.fd.mean_term = 3, v.fd.trace_term = -INFINITY;
    v.kid.kid = NAN, v.kid.std = 0.5;
    v.is = 2.5, v.is_std = NAN;
    strcpy(v.features, "none");
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_metric_values_json(&v, &sb);
    wk_json *o = parse_members(&sb);
    wk_metric_values_from_json(o, &back);
    CHECK(back.mask == v.mask, "mask %#x read back, written %#x (%s)", back.mask, v.mask, sb.data);
    CHECK(back.fd.fd == INFINITY && back.fd.mean_term == 3 && back.fd.trace_term == -INFINITY, "fd %g %g %g read back (%s)",
          back.fd.fd, back.fd.mean_term, back.fd.trace_term, sb.data);
    CHECK(isnan(back.kid.kid) && back.kid.std == 0.5 && back.is == 2.5 && isnan(back.is_std), "kid %g %g, is %g %g read back",
          back.kid.kid, back.kid.std, back.is, back.is_std);
    wk_json_free(o);
    wk_sb_free(&sb);
}

static void test_mix_weights(void) {
    wk_gan_metrics m, back;
    memset(&m, 0, sizeof m), memset(&back, 0, sizeof back);
    m.mix = 3;
    m.w_g[0] = 0.2, m.w_g[1] = NAN, m.w_g[2] = 0.5;
    m.w_d[0] = 0.25, m.w_d[1] = 0.25, m.w_d[2] = 0.5;
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk__mix_metrics_json(&m, &sb);
    wk_json *o = parse_members(&sb);
    wk__mix_metrics_from_json(o, &back);
    CHECK(back.mix == 3, "mixture weights kept (mix %d read back, %s)", back.mix, sb.data);
    CHECK(back.w_g[0] == 0.2 && isnan(back.w_g[1]) && back.w_g[2] == 0.5 && back.w_d[2] == 0.5, "weights read back");
    wk_json_free(o);
    wk_sb_free(&sb);
}

int main(void) {
    test_gan_metrics();
    test_image_metrics();
    test_mix_weights();
    return check_summary("test_logged_values");
}
