/* bench_dcgan_step.c — generator iterations of the 28×28 DCGAN WGAN-GP trainer (the settings of
 * bench/bench_train_toy.sh's dcgan mode and of `bench/peers/torch_wgan_toy.py --mode dcgan`:
 * width 64, latent 64, batch 64, λ = 10, 5 critic steps, Adam 2e-4 β = (0.5, 0.9)), timed in
 * CPU time of this process as well as wall time, and without the start-up (reading the data)
 * and the final evaluation that `wgankit train`'s figure includes. CPU time is what an A/B of
 * two builds on a shared machine should compare: other jobs change it little.
 * Prints one JSON line: cpu_s_per_iter and wall_s_per_iter (medians over --repeats blocks), and
 * first_wall_s, the untimed warm-up iteration's wall time (arena growth, first touches, oneDNN's
 * kernels generated for each convolution shape).
 *
 * usage: bench_dcgan_step [--threads N] [--iters N] [--repeats N] [--data FILE] [--chunk FLOATS]
 *        (default data: Fashion-MNIST's training images, as bench/run-all uses; --chunk: the
 *        convolutions' im2col buffer size, ops_conv.c's default 2^20 floats) */
#include "core/graph_internal.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_clock.h"



int main(int argc, char **argv) {
    wk_prefer_passive_wait(argv);
    const char *threads = "1", *data = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    int iters = 3, repeats = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--threads")) threads = argv[i + 1];
        else if (!strcmp(argv[i], "--iters")) iters = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--repeats")) repeats = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--data")) data = argv[i + 1];
        else if (!strcmp(argv[i], "--chunk")) wk__conv_chunk_floats(atoll(argv[i + 1]));
        else return fprintf(stderr, "bench_dcgan_step: unknown flag %s\n", argv[i]), 2;
    }
    if (iters < 1 || repeats < 1 || repeats > 20) return 2;
    wk_gan_config c;
    wk_gan_config_default(&c);
    const char *set[][2] = {{"data", data},         {"gen", "dcgan"},       {"critic_net", "dcgan"},
                            {"dcgan_width", "64"},  {"latent_dim", "64"},   {"critic", "gp"},
                            {"gp_lambda", "10"},    {"batch", "64"},        {"lr_g", "2e-4"},
                            {"lr_d", "2e-4"},       {"n_critic", "5"},      {"ema", "0"},
                            {"eval_every", "0"},    {"eval_n", "100"},      {"holdout", "100"},
                            {"threads", threads}};
    for (size_t i = 0; i < sizeof set / sizeof *set; i++)
        if (wk_gan_config_set(&c, set[i][0], set[i][1])) return fprintf(stderr, "%s\n", wk_last_error()), 2;
    wk_dataset ds;
    wk_trainer *t = NULL;
    if (wk_dataset_load(&c, &ds) || wk_trainer_new(&c, &ds, &t))
        return fprintf(stderr, "bench_dcgan_step: %s\n", wk_last_error()), 1;
    double cpu[20], wall[20], first = 0;
    for (int rep = -1; rep < repeats; rep++) { /* rep -1: warm-up (arena growth, first touches) */
        double c0 = bench_clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = bench_clock_s(CLOCK_MONOTONIC);
        for (int it = 0; it < (rep < 0 ? 1 : iters); it++)
            if (wk_trainer_step(t)) return fprintf(stderr, "bench_dcgan_step: %s\n", wk_last_error()), 1;
        if (rep < 0) first = bench_clock_s(CLOCK_MONOTONIC) - w0;
        else {
            cpu[rep] = (bench_clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0) / iters;
            wall[rep] = (bench_clock_s(CLOCK_MONOTONIC) - w0) / iters;
        }
    }
    qsort(cpu, (size_t)repeats, sizeof *cpu, bench_cmp_double);
    qsort(wall, (size_t)repeats, sizeof *wall, bench_cmp_double);
    printf("{\"bench\": \"dcgan_step\", \"threads\": %s, \"cpu_s_per_iter\": %.4f, \"wall_s_per_iter\": %.4f, "
           "\"first_wall_s\": %.4f, \"iters\": %d, \"repeats\": %d}\n",
           threads, cpu[repeats / 2], wall[repeats / 2], first, iters, repeats);
    wk_trainer_free(t);
    return 0;
}
