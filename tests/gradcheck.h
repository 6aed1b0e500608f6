/* gradcheck.h — finite-difference checks of first and second derivatives of any function
 * built from wk ops, for the op tests and the layer/critic tests.
 *
 * For f(x_1..x_n) with output of any shape, the scalar under test is L = Σ f ⊙ R for a fixed
 * random R, summed in double outside the graph so that only f's float32 rounding enters the
 * finite difference. The checks:
 *   1. dL/dx_i from the fast backward equals central differences of L;
 *   2. dL/dx_i from the recorded (create_graph) backward equals the fast one;
 *   3. second order: S = Σ_i Σ (dL/dx_i) ⊙ R2_i, differentiated through the recorded
 *      backward, equals central differences of S (S itself evaluated by the fast backward). */
#ifndef WK_TEST_GRADCHECK_H
#define WK_TEST_GRADCHECK_H

#include "check.h"
#include "wgankit/autodiff.h"
#include "wgankit/error.h"
#include "wgankit/rng.h"

#include <string.h>

#define GC_MAX_IN 6

typedef wk_var *(*gc_fn)(wk_graph *g, wk_var **x, void *ctx);

typedef struct {
    double h;      /* finite-difference step */
    double rtol;   /* relative tolerance against the finite difference */
    double atol;   /* absolute tolerance, relative to the largest gradient entry */
    int second;    /* also check second order */
} gc_opts;

static wk_tensor gc_R, gc_R2[GC_MAX_IN];

static double gc_dot(const wk_tensor *a, const wk_tensor *b) {
    double s = 0;
    for (int64_t i = 0; i < a->numel; i++) s += (double)a->data[i] * b->data[i];
    return s;
}

static wk_var *gc_build(wk_graph *g, gc_fn f, void *ctx, int n, wk_tensor *in, wk_var **vars) {
    wk_graph_reset(g);
    for (int i = 0; i < n; i++) vars[i] = wk_input(g, &in[i], 1);
    return f(g, vars, ctx);
}

static double gc_eval_L(wk_graph *g, gc_fn f, void *ctx, int n, wk_tensor *in) {
    wk_var *vars[GC_MAX_IN];
    wk_var *out = gc_build(g, f, ctx, n, in, vars);
    REQUIRE(out, "forward failed: %s", wk_last_error());
    return gc_dot(wk_value(out), &gc_R);
}

static wk_var *gc_L_var(wk_graph *g, wk_var *out) {
    wk_var *r = wk_input(g, &gc_R, 0);
    return wk_sum(g, wk_mul(g, out, r), WK_ALL_AXES, 0);
}

/* S via the fast backward of L. */
static double gc_eval_S(wk_graph *g, gc_fn f, void *ctx, int n, wk_tensor *in) {
    wk_var *vars[GC_MAX_IN], *dx[GC_MAX_IN];
    wk_var *out = gc_build(g, f, ctx, n, in, vars);
    REQUIRE(wk_grad(g, gc_L_var(g, out), vars, n, dx, 0) == WK_OK, "grad failed: %s", wk_last_error());
    double s = 0;
    for (int i = 0; i < n; i++) s += gc_dot(wk_value(dx[i]), &gc_R2[i]);
    return s;
}

static void gc_compare(const char *name, const char *what, int i, const wk_tensor *an, const double *fd,
                       const gc_opts *o) {
    double scale = 1e-3;
    for (int64_t j = 0; j < an->numel; j++) scale = fmax(scale, fabs(fd[j]));
    int bad = 0;
    for (int64_t j = 0; j < an->numel && bad < 3; j++) {
        double a = an->data[j], d = fd[j];
        if (!(fabs(a - d) <= o->atol * scale + o->rtol * fabs(d))) {
            bad++;
            CHECK(0, "%s: %s input %d element %lld: analytic %.7g vs numeric %.7g", name, what, i,
                  (long long)j, a, d);
        }
    }
    if (!bad) CHECK(1, "ok");
}

/* Central differences of the scalar `eval` w.r.t. every element of input i, compared with
 * the analytic gradient `an`. */
typedef double (*gc_eval_fn)(wk_graph *g, gc_fn f, void *ctx, int n, wk_tensor *in);
static void gc_finite_diff(const char *name, const char *what, gc_eval_fn eval, wk_graph *g, gc_fn f, void *ctx, int n,
                           wk_tensor *in, int i, const wk_tensor *an, const gc_opts *o) {
    double *fd = malloc(sizeof(double) * (size_t)in[i].numel);
    for (int64_t j = 0; j < in[i].numel; j++) {
        float keep = in[i].data[j];
        in[i].data[j] = keep + (float)o->h;
        double up = eval(g, f, ctx, n, in);
        in[i].data[j] = keep - (float)o->h;
        double down = eval(g, f, ctx, n, in);
        in[i].data[j] = keep;
        fd[j] = (up - down) / (2 * o->h);
    }
    gc_compare(name, what, i, an, fd, o);
    free(fd);
}

static void gradcheck(const char *name, gc_fn f, void *ctx, int n, wk_tensor *in, const gc_opts *o) {
    wk_graph *g = wk_graph_new();
    wk_rng rng;
    wk_rng_seed(&rng, 1234);
    wk_var *vars[GC_MAX_IN], *dx[GC_MAX_IN], *dxc[GC_MAX_IN];
    wk_var *out = gc_build(g, f, ctx, n, in, vars);
    REQUIRE(out, "%s: forward failed: %s", name, wk_last_error());
    wk_tensor_alloc(&gc_R, wk_value(out)->ndim, wk_value(out)->shape);
    wk_rng_fill_uniform(&rng, gc_R.data, gc_R.numel, -1, 1);
    for (int i = 0; i < n; i++) {
        wk_tensor_alloc(&gc_R2[i], in[i].ndim, in[i].shape);
        wk_rng_fill_uniform(&rng, gc_R2[i].data, gc_R2[i].numel, -1, 1);
    }

    /* 1 + 2: first order, recorded and fast. The recorded pass runs first: its many nodes leave
     * the graph's memory holding values, where the fast pass's gradient buffers then land, so a
     * backward that relies on a fresh buffer being zero (or leaves part of one unwritten) fails */
    out = gc_build(g, f, ctx, n, in, vars);
    REQUIRE(wk_grad(g, gc_L_var(g, out), vars, n, dxc, 1) == WK_OK, "%s: grad(create): %s", name, wk_last_error());
    wk_tensor fast[GC_MAX_IN], rec[GC_MAX_IN];
    for (int i = 0; i < n; i++) {
        wk_tensor_alloc(&rec[i], in[i].ndim, in[i].shape);
        wk_tensor_copy(&rec[i], wk_value(dxc[i]));
    }
    out = gc_build(g, f, ctx, n, in, vars);
    REQUIRE(wk_grad(g, gc_L_var(g, out), vars, n, dx, 0) == WK_OK, "%s: grad: %s", name, wk_last_error());
    for (int i = 0; i < n; i++) {
        wk_tensor_alloc(&fast[i], in[i].ndim, in[i].shape);
        wk_tensor_copy(&fast[i], wk_value(dx[i]));
    }
    for (int i = 0; i < n; i++) {
        int same = 1;
        for (int64_t j = 0; j < fast[i].numel; j++)
            same &= fabsf(fast[i].data[j] - rec[i].data[j]) <= 1e-5f * (1 + fabsf(fast[i].data[j]));
        CHECK(same, "%s: recorded backward differs from fast backward for input %d", name, i);
        wk_tensor_free(&rec[i]);
    }
    for (int i = 0; i < n; i++) gc_finite_diff(name, "first order", gc_eval_L, g, f, ctx, n, in, i, &fast[i], o);

    /* 3: second order */
    if (o->second) {
        out = gc_build(g, f, ctx, n, in, vars);
        REQUIRE(wk_grad(g, gc_L_var(g, out), vars, n, dxc, 1) == WK_OK, "%s: grad(create): %s", name, wk_last_error());
        wk_var *S = NULL;
        for (int i = 0; i < n; i++) {
            wk_var *t = wk_sum(g, wk_mul(g, dxc[i], wk_input(g, &gc_R2[i], 0)), WK_ALL_AXES, 0);
            S = S ? wk_add(g, S, t) : t;
        }
        wk_var *ddx[GC_MAX_IN];
        REQUIRE(wk_grad(g, S, vars, n, ddx, 0) == WK_OK, "%s: second-order grad: %s", name, wk_last_error());
        for (int i = 0; i < n; i++) wk_tensor_copy(&fast[i], wk_value(ddx[i]));
        for (int i = 0; i < n; i++) gc_finite_diff(name, "second order", gc_eval_S, g, f, ctx, n, in, i, &fast[i], o);
    }
    for (int i = 0; i < n; i++) {
        wk_tensor_free(&fast[i]);
        wk_tensor_free(&gc_R2[i]);
    }
    wk_tensor_free(&gc_R);
    wk_graph_free(g);
}

/* A random input tensor in [lo, hi). */
static wk_tensor gc_rand(wk_rng *r, int ndim, const int64_t *shape, float lo, float hi) {
    wk_tensor t;
    wk_tensor_alloc(&t, ndim, shape);
    wk_rng_fill_uniform(r, t.data, t.numel, lo, hi);
    return t;
}

#endif
