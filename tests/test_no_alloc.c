/* test_no_alloc.c — after the first training step, a step allocates nothing from the heap:
 * every node, gradient buffer and scratch area comes from the graph's arena, which
 * wk_graph_reset rewinds. Counted through the library's allocator hook (wk_alloc_count),
 * on a WGAN-GP critic step (three forward passes, double backprop, Adam) for a ReLU and a
 * GroupSort critic, and on a DCGAN generator+critic step with batch norm and convolutions.
 * The same for every Lipschitz method (projections, spectral-norm power steps, penalties).
 * The DCGAN steps (widths 4 and 16, on the im2col path and on oneDNN where the build has it: at
 * width 16 all its convolutions) are also counted at malloc itself, which this program wraps (not
 * under ASan, whose malloc it would replace), since libraries the step calls do not go through
 * the hook: on the im2col path no malloc at all; on oneDNN, which allocates and frees small
 * objects inside every execute, the heap in use stays the same (its streams and memory objects
 * are made once, conv_onednn.c).
 * Also: the same seed gives bit-identical weights (two runs with 2 threads). */
#include "check.h"
#include "core/conv_internal.h"
#include "wgankit/lipschitz.h"
#include "wgankit/nn.h"
#include "wgankit/optim.h"

#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <string.h>

/* Every heap allocation of the process, libraries' included, counted (glibc's own allocator
 * underneath). */
#if defined(__SANITIZE_ADDRESS__)
static volatile unsigned long raw_none; /* not a constant: the comparisons below stay warning-free */
#define RAW_MALLOCS() raw_none
#define RAW_COUNTED 0
#else
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
static atomic_ulong raw_mallocs;
void *malloc(size_t n) {
    raw_mallocs++;
    return __libc_malloc(n);
}
void *calloc(size_t a, size_t b) {
    raw_mallocs++;
    return __libc_calloc(a, b);
}
void *realloc(void *p, size_t n) {
    raw_mallocs++;
    return __libc_realloc(p, n);
}
void *aligned_alloc(size_t a, size_t n) {
    raw_mallocs++;
    return __libc_memalign(a, n);
}
int posix_memalign(void **p, size_t a, size_t n) {
    raw_mallocs++;
    *p = __libc_memalign(a, n);
    return *p ? 0 : ENOMEM;
}
#define RAW_MALLOCS() ((unsigned long)raw_mallocs)
#define RAW_COUNTED 1
#endif

static float alpha[64];

/* One critic step; with L, the Lipschitz method's penalty and projection, else WGAN-GP. */
static int critic_step(wk_graph *g, wk_model *D, wk_optimizer *o, wk_rng *r, int batch, int dim, wk_lipschitz *L) {
    wk_graph_reset(g);
    wk_var *real = wk_input_empty(g, 2, (int64_t[]){batch, dim}, 0), *fake = wk_input_empty(g, 2, (int64_t[]){batch, dim}, 0);
    if (!real || !fake) return WK_ENOMEM;
    wk_rng_fill_normal(r, wk_input_data(real), batch * dim, 0, 1);
    wk_rng_fill_normal(r, wk_input_data(fake), batch * dim, 1, 1);
    wk_rng_fill_uniform(r, alpha, batch, 0, 1);
    wk_var *pen = L ? wk_lipschitz_penalty(L, g, real, fake, r) : wk_gradient_penalty(g, D, real, fake, alpha, 0.1f, 0);
    wk_var *loss = wk_add(g, wk_sub(g, wk_mean(g, wk_model_forward(D, g, fake, 1), WK_ALL_AXES, 0),
                                    wk_mean(g, wk_model_forward(D, g, real, 1), WK_ALL_AXES, 0)),
                          pen);
    if (!loss) return wk_graph_status(g);
    wk_optim_zero_grad(o);
    int rc = wk_backward(g, loss);
    if (rc || (rc = wk_optim_step(o))) return rc;
    return L ? wk_lipschitz_after_step(L) : WK_OK;
}

/* A critic, its optimizer, graph and generator: what a training loop holds. */
typedef struct {
    wk_model D;
    wk_optimizer o;
    wk_graph *g;
    wk_rng r;
    wk_lipschitz *L; /* NULL: WGAN-GP */
} critic_run;

static void run_init(critic_run *cr, wk_activation act, uint64_t seed) {
    wk_rng_seed(&cr->r, seed);
    wk_model_init(&cr->D);
    wk_mlp_spec s = {.in = 2, .out = 1, .depth = 3, .width = 64, .act = act, .act_param = 2, .bias = 1};
    REQUIRE(wk_build_mlp(&cr->D, &s) == WK_OK, "mlp");
    wk_model_init_default(&cr->D, &cr->r);
    wk_optim_config c = wk_optim_defaults(WK_OPT_ADAM, 1e-3f);
    REQUIRE(wk_optim_init(&cr->o, &c, cr->D.params, cr->D.n_params) == WK_OK, "adam");
    cr->g = wk_graph_new();
    cr->L = NULL;
}

static void run_steps(critic_run *cr, int steps) {
    for (int i = 0; i < steps; i++)
        REQUIRE(critic_step(cr->g, &cr->D, &cr->o, &cr->r, 64, 2, cr->L) == WK_OK, "step: %s", wk_last_error());
}

static void run_free(critic_run *cr) {
    wk_graph_free(cr->g);
    wk_optim_free(&cr->o);
    wk_model_free(&cr->D);
}

static int same_weights(const wk_model *a, const wk_model *b) {
    for (int i = 0; i < a->n_params; i++)
        if (memcmp(a->params[i]->value.data, b->params[i]->value.data, (size_t)a->params[i]->value.numel * sizeof(float)))
            return 0;
    return 1;
}

static void check_deterministic(void) {
    critic_run a, b, c;
    run_init(&a, WK_ACT_RELU, 77);
    run_init(&b, WK_ACT_RELU, 77);
    run_init(&c, WK_ACT_RELU, 78);
    run_steps(&a, 10);
    run_steps(&b, 10);
    run_steps(&c, 10);
    CHECK(same_weights(&a.D, &b.D), "same seed, same weights bit for bit");
    CHECK(!same_weights(&a.D, &c.D), "another seed gives other weights");
    run_free(&a);
    run_free(&b);
    run_free(&c);
}

static void check_critic(wk_activation act) {
    critic_run cr;
    run_init(&cr, act, 5);
    run_steps(&cr, 1);
    uint64_t before = wk_alloc_count();
    run_steps(&cr, 20);
    CHECK(wk_alloc_count() == before, "%s critic: %llu heap allocations in 20 steps after the first",
          wk_activation_name(act), (unsigned long long)(wk_alloc_count() - before));
    run_free(&cr);
}

/* Every Lipschitz method keeps its per-step work off the heap too. */
static void check_lipschitz(wk_lip_method m, int reparam) {
    critic_run cr;
    run_init(&cr, m == WK_LIP_BJORCK || m == WK_LIP_BIAU ? WK_ACT_GROUPSORT : WK_ACT_RELU, 6);
    wk_lipschitz L;
    wk_lipschitz_config c = wk_lipschitz_defaults(m);
    c.bjorck_reparam = reparam;
    REQUIRE(wk_lipschitz_attach(&L, &c, &cr.D, &cr.r) == WK_OK, "attach: %s", wk_last_error());
    cr.L = &L;
    run_steps(&cr, 1);
    uint64_t before = wk_alloc_count();
    run_steps(&cr, 10);
    CHECK(wk_alloc_count() == before, "%s%s: %llu heap allocations in 10 steps after the first", wk_lip_method_name(m),
          reparam ? " (reparametrised)" : "", (unsigned long long)(wk_alloc_count() - before));
    wk_lipschitz_free(&L);
    run_free(&cr);
}

static int dcgan_step(wk_graph *g, wk_model *G, wk_model *D, wk_optimizer *og, wk_optimizer *od, wk_rng *r) {
    wk_graph_reset(g);
    wk_var *z = wk_input_empty(g, 2, (int64_t[]){8, 8}, 0), *x = wk_input_empty(g, 4, (int64_t[]){8, 1, 28, 28}, 0);
    wk_rng_fill_normal(r, wk_input_data(z), 64, 0, 1);
    wk_rng_fill_uniform(r, wk_input_data(x), 8 * 28 * 28, -1, 1);
    wk_var *fake = wk_model_forward(G, g, z, 1);
    wk_var *d_fake = wk_mean(g, wk_model_forward(D, g, fake, 1), WK_ALL_AXES, 0);
    wk_var *loss_d = wk_sub(g, d_fake, wk_mean(g, wk_model_forward(D, g, x, 1), WK_ALL_AXES, 0));
    if (!loss_d) return wk_graph_status(g);
    wk_optim_zero_grad(od);
    int rc = wk_backward(g, loss_d);
    if (rc || (rc = wk_optim_step(od))) return rc;
    wk_optim_zero_grad(og);
    rc = wk_backward(g, wk_neg(g, d_fake));
    return rc ? rc : wk_optim_step(og);
}

/* DCGAN generator+critic steps of `width` (batch norm, convolutions): nothing from the heap after
 * the first, none after the first following a trim either. */
static void check_dcgan(int width, int onednn) {
    const int keep_dnn = wk__conv_onednn(onednn);
    wk_rng r;
    wk_rng_seed(&r, 9);
    wk_dcgan_spec s = {.image_size = 28, .channels = 1, .latent_dim = 8, .width = width, .batch_norm = 1, .critic_norm = 1};
    wk_model G, D;
    wk_model_init(&G);
    wk_model_init(&D);
    REQUIRE(wk_build_dcgan_generator(&G, &s) == WK_OK && wk_build_dcgan_critic(&D, &s) == WK_OK, "dcgan");
    wk_model_init_normal(&G, &r, 0.02f);
    wk_model_init_normal(&D, &r, 0.02f);
    wk_optimizer og, od;
    wk_optim_config c = wk_optim_defaults(WK_OPT_ADAM, 2e-4f);
    REQUIRE(wk_optim_init(&og, &c, G.params, G.n_params) == WK_OK && wk_optim_init(&od, &c, D.params, D.n_params) == WK_OK, "adam");
    wk_graph *g = wk_graph_new();
    REQUIRE(dcgan_step(g, &G, &D, &og, &od, &r) == WK_OK, "first dcgan step: %s", wk_last_error());
    uint64_t before = wk_alloc_count();
    /* a second step before the heap is measured: oneDNN's run slots for a second thread may first
     * be needed there (made once, kept) */
    REQUIRE(dcgan_step(g, &G, &D, &og, &od, &r) == WK_OK, "second dcgan step: %s", wk_last_error());
    unsigned long raw = RAW_MALLOCS();
    size_t heap = mallinfo2().uordblks;
    for (int i = 0; i < 5; i++) REQUIRE(dcgan_step(g, &G, &D, &og, &od, &r) == WK_OK, "dcgan step: %s", wk_last_error());
    CHECK(wk_alloc_count() == before, "dcgan width %d: %llu heap allocations in 6 steps after the first", width,
          (unsigned long long)(wk_alloc_count() - before));
    const unsigned long calls = RAW_MALLOCS() - raw;
    const size_t heap_after = mallinfo2().uordblks;
    if (!wk__conv_onednn(-1)) /* im2col: not one malloc, whoever would call it */
        CHECK(calls == 0, "dcgan width %d: %lu malloc calls in 5 steps after the second", width, calls);
    else /* oneDNN's execute builds and frees small C++ argument maps on every call (~1,600 a step
          * here, none of them kept): the heap in use must not change */
        CHECK(heap_after == heap, "dcgan width %d on oneDNN: the heap in use went from %zu to %zu bytes in 5 steps "
              "(%lu malloc calls)", width, heap, heap_after, calls);
    /* wk_graph_trim (a trainer calls it before an evaluation) gives the kept blocks back: the
     * step after it allocates them again, and the one after that no more */
    wk_graph_trim(g);
    before = wk_alloc_count();
    REQUIRE(dcgan_step(g, &G, &D, &og, &od, &r) == WK_OK, "dcgan step after trim: %s", wk_last_error());
    CHECK(wk_alloc_count() > before, "trim gave the graph's blocks back");
    before = wk_alloc_count();
    REQUIRE(dcgan_step(g, &G, &D, &og, &od, &r) == WK_OK, "dcgan step: %s", wk_last_error());
    CHECK(wk_alloc_count() == before, "dcgan width %d: %llu heap allocations in the second step after a trim", width,
          (unsigned long long)(wk_alloc_count() - before));
    /* and the counters do count: a new graph allocates */
    raw = RAW_MALLOCS();
    wk_graph *g2 = wk_graph_new();
    CHECK(wk_alloc_count() > before, "allocator hook counts allocations");
    CHECK(!RAW_COUNTED || RAW_MALLOCS() > raw, "the malloc wrapper counts allocations");
    wk_graph_free(g2);
    wk_graph_free(g);
    wk_optim_free(&og);
    wk_optim_free(&od);
    wk_model_free(&G);
    wk_model_free(&D);
    wk__conv_onednn(keep_dnn);
}

int main(void) {
    { /* this program's thread context (tensor.h) */ wk_exec x_ = wk_exec_make(2); wk_exec_saved s_; wk_exec_enter(&x_, &s_); }
    check_critic(WK_ACT_RELU);
    check_critic(WK_ACT_GROUPSORT);
    check_deterministic();
    for (int m = WK_LIP_NONE; m <= WK_LIP_GP; m++) check_lipschitz((wk_lip_method)m, 0);
    check_lipschitz(WK_LIP_BJORCK, 1);

    for (int dnn = 0; dnn < 2; dnn++) check_dcgan(4, dnn), check_dcgan(16, dnn);
    return check_summary("test_no_alloc");
}
