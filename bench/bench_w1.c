/* bench_w1.c — times wk_w1_exact on the sizes (uniform weights, standard normal
 * clouds, b shifted by 0.5) and writes each pair of clouds as float32 NPY so the peer script
 * (bench/peers/pot_w1.py) times POT on identical data.
 *
 *   bench_w1 [--out DIR] [--cases n:d,n:d,...] [--knn K] [--multiscale N] [--seed S] [--solver auto|simplex|assignment|few]
 *                                                    default cases 1000:2,2000:2,5000:2,10000:2,2000:784,10000:784
 *                                                    (n:m:d: n points against m, e.g. 10:200000:2)
 *          [--plot OUT.png] [--replot RESULTS.csv]
 * Prints one line per case: n d value seconds peak_rss_MiB, and DIR/results.csv (m last); the clouds
 * are DIR/a_n_d.npy, b_n_d.npy, or for n:m:d cases a_n_m_d.npy, b_n_m_d.npy.
 * cpu_s is the process's CPU time for the solve (all threads): on a shared, loaded machine the
 * wall time mostly measures waiting for a core, the CPU time the work.
 * --plot: the CPU time against n on log-log axes (x log10 n, y log10 CPU seconds; the cases of
 * the first dimension), with the least-squares line, whose slope (the fitted exponent:
 * time ~ n^slope) is printed. --replot: no solves, the plot from an earlier run's results.csv
 * (a long sweep interrupted before its end keeps its finished rows there). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "wgankit/error.h"
#include "wgankit/ot.h"
#include "wgankit/plot.h"
#include "wgankit/rng.h"
#include "wgankit/tensor.h"

#include "bench_clock.h"


/* float32 [n, d] NPY v1 (a local writer: the library's writer belongs to the io module). */
/* The log-log chart of (lx, ly) with its least-squares line; prints the slope. */
static int plot_fit(const char *plot, const double *lx, const double *ly, int np, long long plot_d) {
    double mx = 0, my = 0, sxx = 0, sxy = 0;
    for (int t = 0; t < np; t++) mx += lx[t] / np, my += ly[t] / np;
    for (int t = 0; t < np; t++) sxx += (lx[t] - mx) * (lx[t] - mx), sxy += (lx[t] - mx) * (ly[t] - my);
    const double slope = sxy / sxx, c = my - slope * mx;
    double fx[2] = {lx[0], lx[np - 1]}, fy[2] = {c + slope * lx[0], c + slope * lx[np - 1]};
    wk_series ser[2] = {{.name = "measured", .x = lx, .y = ly, .n = (size_t)np, .markers = 1}, {.name = "fit", .x = fx, .y = fy, .n = 2}};
    wk_chart_spec spec = {.title = "exact W1 CPU time vs n", .x_label = "log10 n", .y_label = "log10 CPU seconds", .width = 640, .height = 400};
    if (wk_png_line_chart(plot, &spec, ser, 2)) {
        fprintf(stderr, "bench_w1: %s\n", wk_last_error());
        return 1;
    }
    printf("fitted exponent (d = %lld, %d sizes): time ~ n^%.3f; plot %s\n", plot_d, np, slope, plot);
    return 0;
}

static int save_npy(const char *path, const wk_tensor *t) {
    char dict[128];
    int len = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (%lld, %lld), }",
                       (long long)t->shape[0], (long long)t->shape[1]);
    int total = 10 + len + 1, pad = (64 - total % 64) % 64, hl = len + pad + 1;
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hl & 255), (unsigned char)(hl >> 8)};
    fwrite(pre, 1, 10, f);
    fwrite(dict, 1, (size_t)len, f);
    for (int i = 0; i < pad; i++) fputc(' ', f);
    fputc('\n', f);
    fwrite(t->data, sizeof(float), (size_t)t->numel, f);
    return fclose(f);
}

int main(int argc, char **argv) {
    wk_ot_options opt;
    wk_ot_options_default(&opt);
    uint64_t seed = 0; /* other clouds of the same sizes: the work of one pair swings by +-50% */
    const char *out = NULL, *plot = NULL, *replot = NULL, *cases = "1000:2,2000:2,5000:2,10000:2,2000:784,10000:784";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--out") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--cases") && i + 1 < argc) cases = argv[++i];
        else if (!strcmp(argv[i], "--plot") && i + 1 < argc) plot = argv[++i];
        else if (!strcmp(argv[i], "--replot") && i + 1 < argc) replot = argv[++i];
        else if (!strcmp(argv[i], "--knn") && i + 1 < argc) opt.knn = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--multiscale") && i + 1 < argc) opt.multiscale_min = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--solver") && i + 1 < argc) {
            const char *v = argv[++i];
            opt.exact_solver = !strcmp(v, "simplex")      ? WK_EXACT_SIMPLEX
                               : !strcmp(v, "assignment") ? WK_EXACT_ASSIGNMENT
                               : !strcmp(v, "few")        ? WK_EXACT_FEW
                                                          : WK_EXACT_AUTO;
        }
        else {
            fprintf(stderr, "usage: bench_w1 [--out DIR] [--cases n:d,...] [--knn K] [--multiscale N] [--solver auto|simplex|assignment|few] [--plot OUT.png] [--replot RESULTS.csv]\n");
            return 2;
        }
    }
    if (replot) { /* n,d,value,seconds,peak_rss_mib,pivots,rounds,arcs,cpu_s rows */
        FILE *f = fopen(replot, "r");
        char line[512];
        double lx[64], ly[64];
        int np = 0;
        long long d0 = -1;
        if (!f || !fgets(line, sizeof line, f)) {
            fprintf(stderr, "bench_w1: cannot read %s\n", replot);
            if (f) fclose(f);
            return 1;
        }
        while (np < 64 && fgets(line, sizeof line, f)) {
            long long n, d, piv, arcs;
            double v, sec, rss, cpu;
            int rounds;
            if (sscanf(line, "%lld,%lld,%lf,%lf,%lf,%lld,%d,%lld,%lf", &n, &d, &v, &sec, &rss, &piv, &rounds, &arcs,
                       &cpu) != 9 || cpu <= 0)
                continue;
            if (d0 < 0) d0 = d;
            if (d != d0) continue;
            lx[np] = log10((double)n);
            ly[np++] = log10(cpu);
        }
        fclose(f);
        if (!plot || np < 2) {
            fprintf(stderr, "bench_w1: --replot needs --plot and two rows with cpu_s\n");
            return 2;
        }
        return plot_fit(plot, lx, ly, np, d0);
    }
    FILE *csv = NULL;
    if (out) {
        char p[1024];
        snprintf(p, sizeof p, "%s/results.csv", out);
        csv = fopen(p, "w");
        if (!csv) {
            fprintf(stderr, "bench_w1: cannot write %s\n", p);
            return 1;
        }
        fprintf(csv, "n,d,value,seconds,peak_rss_mib,pivots,rounds,arcs,cpu_s,m\n");
    }
    printf("%8s %5s %16s %9s %9s %9s %6s %9s %8s\n", "n", "d", "W1", "seconds", "peak_MiB", "pivots", "rounds", "cpu_s", "m");
    double lx[64], ly[64];
    int np = 0;
    long long plot_d = -1;
    char *list = strdup(cases);
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        long long n, m, d;
        const int three = sscanf(tok, "%lld:%lld:%lld", &n, &m, &d) == 3;
        if (!three && sscanf(tok, "%lld:%lld", &n, &d) == 2) m = n;
        else if (!three) n = 0;
        if (n < 1 || m < 1 || d < 1) {
            fprintf(stderr, "bench_w1: bad case '%s' (n:d or n:m:d)\n", tok);
            return 2;
        }
        wk_tensor a, b;
        int64_t shape[2] = {n, d}, shape_b[2] = {m, d};
        wk_tensor_alloc(&a, 2, shape);
        wk_tensor_alloc(&b, 2, shape_b);
        wk_rng r;
        /* --seed 0: the clouds of the tables (n:d cases as before m existed) */
        wk_rng_seed(&r, (uint64_t)(n * 1000 + d) + 7919 * seed + (m != n ? 104729 * (uint64_t)m : 0));
        wk_rng_fill_normal(&r, a.data, a.numel, 0, 1);
        wk_rng_fill_normal(&r, b.data, b.numel, 0.5f, 1);
        if (out) {
            char p[1024];
            if (three) snprintf(p, sizeof p, "%s/a_%lld_%lld_%lld.npy", out, n, m, d);
            else snprintf(p, sizeof p, "%s/a_%lld_%lld.npy", out, n, d);
            save_npy(p, &a);
            if (three) snprintf(p, sizeof p, "%s/b_%lld_%lld_%lld.npy", out, n, m, d);
            else snprintf(p, sizeof p, "%s/b_%lld_%lld.npy", out, n, d);
            save_npy(p, &b);
        }
        wk_ot_result res;
        double t0 = bench_now(), c0 = bench_clock_s(CLOCK_PROCESS_CPUTIME_ID);
        int rc = wk_w1_exact(&a, NULL, &b, NULL, &opt, &res);
        double dt = bench_now() - t0, cpu = bench_clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (rc) {
            fprintf(stderr, "bench_w1: n %lld d %lld: %s\n", n, d, wk_last_error());
            return 1;
        }
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        double peak = (double)ru.ru_maxrss / 1024.0;
        printf("%8lld %5lld %16.10f %9.3f %9.1f %9lld %6d %9.3f %8lld\n", n, d, res.value, dt, peak, (long long)res.iterations,
               res.rounds, cpu, m);
        fflush(stdout);
        if (plot_d < 0) plot_d = d;
        if (d == plot_d && np < 64 && cpu > 0) {
            lx[np] = log10((double)n);
            ly[np++] = log10(cpu);
        }
        if (csv) fprintf(csv, "%lld,%lld,%.17g,%.6f,%.1f,%lld,%d,%lld,%.6f,%lld\n", n, d, res.value, dt, peak,
                         (long long)res.iterations, res.rounds, (long long)res.arcs, cpu, m);
        wk_ot_result_free(&res);
        wk_tensor_free(&a);
        wk_tensor_free(&b);
    }
    free(list);
    if (csv) fclose(csv);
    if (plot && np >= 2) return plot_fit(plot, lx, ly, np, plot_d);
    return 0;
}
