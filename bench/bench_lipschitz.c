/* bench_lipschitz.c — speed of the Lipschitz machinery against PyTorch
 * (bench/peers/torch_groupsort_step.py and torch_wgan_toy.py --mode groupsort, same machine, same
 * run; see bench/README-lipschitz.md):
 *
 *   bjorck512   one projection of a 512×512 weight, 15 iterations (two sgemm each)
 *   step        one GroupSort critic step: critic 2→512→512→512→1 (GroupSort k=2), batch 256,
 *               loss mean D(fake) − mean D(real), backward, Adam(1e-4, β=(0.5, 0.9)), Björck
 *               projection of every Linear weight after the step — with exactly 15 iterations
 *               ("fixed", PyTorch's work) and with early stopping at the float floor ("tol",
 *               the library default)
 *   toy         the WGAN toy loop of torch_wgan_toy.py --mode groupsort: ReLU generator
 *               2→512→512→512→2, 8 Gaussians on a ring, 5 critic steps + 1 generator step
 *
 * Usage: bench_lipschitz [threads=2] [steps=30] [toy_iters=10]. One JSON line per figure. */
#include "wgankit/error.h"
#include "wgankit/lipschitz.h"
#include "wgankit/optim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

#define B 256
#define W 512


static void die(const char *what) {
    fprintf(stderr, "bench_lipschitz: %s: %s\n", what, wk_last_error());
    exit(1);
}

static void mlp(wk_model *m, int64_t in, int64_t out, wk_activation act, wk_rng *r) {
    wk_model_init(m);
    wk_mlp_spec s = {.in = in, .out = out, .depth = 3, .width = W, .act = act, .act_param = 2, .bias = 1};
    if (wk_build_mlp(m, &s)) die("mlp");
    wk_model_init_default(m, r);
}

static void ring(wk_rng *r, float *x, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        double a = 2 * M_PI * (double)wk_rng_below(r, 8) / 8;
        x[2 * i] = (float)((2 * cos(a) + 0.02 * wk_rng_normal_d(r)) / 1.414);
        x[2 * i + 1] = (float)((2 * sin(a) + 0.02 * wk_rng_normal_d(r)) / 1.414);
    }
}

typedef struct {
    wk_model D, G;
    wk_lipschitz L;
    wk_optimizer oD, oG;
    wk_graph *g;
    wk_rng r;
} setup;

static void init(setup *s, float tol, int with_g) {
    wk_rng_seed(&s->r, 1);
    mlp(&s->D, 2, 1, WK_ACT_GROUPSORT, &s->r);
    wk_lipschitz_config c = wk_lipschitz_defaults(WK_LIP_BJORCK);
    c.bjorck_tol = tol;
    if (wk_lipschitz_attach(&s->L, &c, &s->D, &s->r)) die("attach");
    wk_optim_config oc = wk_optim_defaults(WK_OPT_ADAM, 1e-4f);
    oc.beta1 = 0.5f;
    oc.beta2 = 0.9f;
    if (wk_optim_init(&s->oD, &oc, s->D.params, s->D.n_params)) die("optim");
    if (with_g) {
        mlp(&s->G, 2, 2, WK_ACT_RELU, &s->r);
        if (wk_optim_init(&s->oG, &oc, s->G.params, s->G.n_params)) die("optim G");
    }
    s->g = wk_graph_new();
}

static void fini(setup *s, int with_g) {
    wk_graph_free(s->g);
    wk_optim_free(&s->oD);
    wk_lipschitz_free(&s->L);
    wk_model_free(&s->D);
    if (with_g) {
        wk_optim_free(&s->oG);
        wk_model_free(&s->G);
    }
}

/* One critic step; fake from the generator when with_g, else N(0, I). */
static void critic_step(setup *s, int with_g) {
    wk_graph *g = s->g;
    wk_graph_reset(g);
    int64_t sh[2] = {B, 2};
    wk_var *real = wk_input_empty(g, 2, sh, 0), *fake;
    ring(&s->r, wk_input_data(real), B);
    if (with_g) {
        wk_var *z = wk_input_empty(g, 2, sh, 0);
        wk_rng_fill_normal(&s->r, wk_input_data(z), 2 * B, 0, 1);
        fake = wk_detach(g, wk_model_forward(&s->G, g, z, 1));
    } else {
        fake = wk_input_empty(g, 2, sh, 0);
        wk_rng_fill_normal(&s->r, wk_input_data(fake), 2 * B, 0, 1);
    }
    wk_var *loss = wk_sub(g, wk_mean(g, wk_model_forward(&s->D, g, fake, 1), WK_ALL_AXES, 0),
                          wk_mean(g, wk_model_forward(&s->D, g, real, 1), WK_ALL_AXES, 0));
    wk_optim_zero_grad(&s->oD);
    if (!loss || wk_backward(g, loss) || wk_optim_step(&s->oD) || wk_lipschitz_after_step(&s->L)) die("critic step");
}

static void gen_step(setup *s) {
    wk_graph *g = s->g;
    wk_graph_reset(g);
    wk_var *z = wk_input_empty(g, 2, (int64_t[]){B, 2}, 0);
    wk_rng_fill_normal(&s->r, wk_input_data(z), 2 * B, 0, 1);
    wk_var *loss = wk_neg(g, wk_mean(g, wk_model_forward(&s->D, g, wk_model_forward(&s->G, g, z, 1), 1), WK_ALL_AXES, 0));
    wk_optim_zero_grad(&s->oG);
    if (!loss || wk_backward(g, loss) || wk_optim_step(&s->oG)) die("generator step");
    wk_optim_zero_grad(&s->oD); /* the critic is frozen: drop what reached it */
}

int main(int argc, char **argv) {
    /* libgomp reads its wait policy once, at load time: re-exec with passive waiting unless the
     * caller chose one, so idle OpenMP workers do not spin on the cores OpenBLAS needs (on a
     * 2-core machine the default spinning halves the sgemm rate). */
    wk_prefer_passive_wait(argv);
    int threads = argc > 1 ? atoi(argv[1]) : 2, steps = argc > 2 ? atoi(argv[2]) : 30, toy = argc > 3 ? atoi(argv[3]) : 10;
    { /* this program's thread context (tensor.h) */ wk_exec x_ = wk_exec_make(threads); wk_exec_saved s_; wk_exec_enter(&x_, &s_); }

    /* Björck on one 512×512 matrix, 15 iterations */
    {
        wk_rng r;
        wk_rng_seed(&r, 2);
        wk_tensor w, w0;
        wk_tensor_alloc(&w, 2, (int64_t[]){W, W});
        wk_tensor_alloc(&w0, 2, (int64_t[]){W, W});
        wk_rng_fill_uniform(&r, w0.data, w0.numel, -1, 1);
        int reps = 10;
        double best = INFINITY;
        for (int k = 0; k < reps; k++) {
            wk_tensor_copy(&w, &w0);
            double t0 = bench_now();
            if (wk_bjorck_project(&w, 15, 0.5f)) die("bjorck");
            best = fmin(best, bench_now() - t0);
        }
        /* counted as the two sgemm per iteration of the textbook form; the Gram matrix is an
         * ssyrk (half the work), so this can exceed sgemm's own rate */
        printf("{\"bench\": \"bjorck512_15iters\", \"ms\": %.3f, \"sgemm_equivalent_gflops\": %.1f, \"threads\": %d}\n",
               1e3 * best, 15 * 2 * 2.0 * W * W * W / best * 1e-9, threads);
        wk_tensor_free(&w);
        wk_tensor_free(&w0);
    }
    /* critic steps, fixed 15 iterations and early stop */
    for (int mode = 0; mode < 2; mode++) {
        setup s;
        init(&s, mode ? 1e-6f : 0.0f, 0);
        for (int k = 0; k < 3; k++) critic_step(&s, 0);
        double t0 = bench_now();
        for (int k = 0; k < steps; k++) critic_step(&s, 0);
        double dt = bench_now() - t0;
        printf("{\"bench\": \"groupsort_critic_step\", \"bjorck\": \"%s\", \"critic_steps_per_s\": %.3f, \"ms_per_step\": %.2f, "
               "\"last_bjorck_iters\": %d, \"threads\": %d, \"steps\": %d}\n",
               mode ? "tol 1e-6" : "fixed 15", steps / dt, 1e3 * dt / steps, s.L.last_bjorck_iters, threads, steps);
        fini(&s, 0);
    }
    /* the toy WGAN loop (torch_wgan_toy.py --mode groupsort) */
    for (int mode = 0; mode < 2 && toy > 0; mode++) {
        setup s;
        init(&s, mode ? 1e-6f : 0.0f, 1);
        for (int k = 0; k < 2; k++) {
            for (int c = 0; c < 5; c++) critic_step(&s, 1);
            gen_step(&s);
        }
        double t0 = bench_now();
        for (int k = 0; k < toy; k++) {
            for (int c = 0; c < 5; c++) critic_step(&s, 1);
            gen_step(&s);
        }
        double dt = bench_now() - t0;
        printf("{\"bench\": \"toy_groupsort\", \"bjorck\": \"%s\", \"gen_iters_per_s\": %.3f, \"threads\": %d, \"iters\": %d}\n",
               mode ? "tol 1e-6" : "fixed 15", toy / dt, threads, toy);
        fini(&s, 1);
    }
    return 0;
}
