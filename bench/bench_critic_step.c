/* bench_critic_step.c — one WGAN-GP critic step, the peer of
 * `bench/peers/torch_wgan_toy.py --critic-step-only`: ReLU critic 2→512→512→512→1, batch 256,
 * D(real), D(fake), the penalty λ·mean(‖∇D(x̂)‖−1)² with λ = 0.1 (double backprop), backward,
 * Adam 1e-4, β = (0.5, 0.9). Real and fake batches are drawn once beforehand, as in the peer.
 * Prints one JSON line with critic_steps_per_s (median of --repeats timed blocks).
 *
 * usage: bench_critic_step [--threads N] [--iters N] [--repeats N] [--act relu|groupsort] */
#include "wgankit/lipschitz.h"
#include "wgankit/optim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_clock.h"



int main(int argc, char **argv) {
    wk_prefer_passive_wait(argv);
    int threads = 2, iters = 50, repeats = 3;
    wk_activation act = WK_ACT_RELU;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--iters")) iters = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--repeats")) repeats = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--act") && wk_activation_parse(argv[i + 1], &act)) return 2;
    }
    if (iters < 1 || repeats < 1 || repeats > 20) return 2;
    { /* this program's thread context (tensor.h) */ wk_exec x_ = wk_exec_make(threads); wk_exec_saved s_; wk_exec_enter(&x_, &s_); }
    const int B = 256;
    wk_rng rng;
    wk_rng_seed(&rng, 1);
    wk_model D;
    wk_model_init(&D);
    wk_mlp_spec s = {.in = 2, .out = 1, .depth = 3, .width = 512, .act = act, .act_param = 2, .bias = 1};
    if (wk_build_mlp(&D, &s)) return 1;
    wk_model_init_default(&D, &rng);
    wk_optim_config c = wk_optim_defaults(WK_OPT_ADAM, 1e-4f);
    c.beta1 = 0.5f;
    c.beta2 = 0.9f;
    wk_optimizer o;
    if (wk_optim_init(&o, &c, D.params, D.n_params)) return 1;
    wk_tensor real, fake;
    wk_tensor_alloc(&real, 2, (int64_t[]){B, 2});
    wk_tensor_alloc(&fake, 2, (int64_t[]){B, 2});
    wk_rng_fill_normal(&rng, real.data, real.numel, 0, 1);
    wk_rng_fill_normal(&rng, fake.data, fake.numel, 0.5f, 1);
    float alpha[256];
    wk_graph *g = wk_graph_new();
    double rates[20];
    for (int rep = -1; rep < repeats; rep++) { /* rep -1: warm-up */
        double t0 = bench_now();
        for (int it = 0; it < (rep < 0 ? 5 : iters); it++) {
            wk_graph_reset(g);
            wk_var *r = wk_input(g, &real, 0), *f = wk_input(g, &fake, 0);
            wk_rng_fill_uniform(&rng, alpha, B, 0, 1);
            wk_var *loss = wk_add(g, wk_sub(g, wk_mean(g, wk_model_forward(&D, g, f, 1), WK_ALL_AXES, 0),
                                            wk_mean(g, wk_model_forward(&D, g, r, 1), WK_ALL_AXES, 0)),
                                  wk_gradient_penalty(g, &D, r, f, alpha, 0.1f, 0));
            wk_optim_zero_grad(&o);
            if (!loss || wk_backward(g, loss) || wk_optim_step(&o)) {
                fprintf(stderr, "bench_critic_step: %s\n", wk_last_error());
                return 1;
            }
        }
        if (rep >= 0) rates[rep] = iters / (bench_now() - t0);
    }
    qsort(rates, (size_t)repeats, sizeof *rates, bench_cmp_double);
    printf("{\"bench\": \"critic_step_gp\", \"act\": \"%s\", \"threads\": %d, \"critic_steps_per_s\": %.3f, "
           "\"graph_nodes\": %d, \"graph_peak_mb\": %.1f}\n",
           wk_activation_name(act), threads, rates[repeats / 2], wk_graph_node_count(g),
           (double)wk_graph_peak_bytes(g) / (1 << 20));
    wk_graph_free(g);
    wk_optim_free(&o);
    wk_model_free(&D);
    wk_tensor_free(&real);
    wk_tensor_free(&fake);
    return 0;
}
