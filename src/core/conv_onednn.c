/* conv_onednn.c — one chunk of a convolution map by oneDNN's direct JIT kernels (Debian's libdnnl,
 * the library PyTorch's CPU convolutions use), for ops_conv.c.
 *
 * Why: on the 28×28 DCGAN critic's big layer (64→128 channels, 14×14 → 7×7, chunks of 8 images,
 * one thread, Zen 5) oneDNN's jit:avx512_core kernels run the forward, backward-data and
 * backward-weights maps at 197 / 184 / 194 GFLOP/s in its blocked layouts, against 92 for
 * OpenBLAS's sgemm alone (AVX2 kernels, OPENBLAS_CORETYPE=Haswell) plus the im2col; with
 * ONEDNN_MAX_CPU_ISA=AVX2 its jit:avx2 kernels run at 108 / 101 / 91 and still skip the im2col
 * (bench/onednn/conv_vs_im2col.c). In plain NCHW oneDNN falls back to its own im2col + gemm, so
 * each chunk is copied into the layouts the primitive chose, run, and copied back (reorders).
 *
 * Invariants (conv_internal.h): a primitive serves one chunk shape and runs on one thread (it is
 * made and run with OpenMP's thread count at 1 for the calling thread, so oneDNN neither splits
 * its work nor starts a team inside ops_conv.c's), so a chunk's bits do not depend on the thread
 * count. Primitives live in a process-wide table (mutex), made on first use, never freed
 * (at most CACHE_MAX shapes; past that, the im2col path). oneDNN's scratchpad is the caller's
 * (user mode), so threads never share one. */
#include "core/conv_internal.h"
#include "core/self_memory.h"

#include "wgankit/error.h"

#ifdef WK_HAVE_ONEDNN
#include <dlfcn.h>
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* oneDNN is opened at the first convolution (dlopen), not linked: its 40 MB would count against
 * a memory limit (ulimit -v) in every command, convolutions or not, and a machine without it
 * still runs every convolution by the im2col path. The functions used, from libdnnl.so.2
 * (oneDNN 2.x, the C API of the header this file is built against): */
#define DNNL_FUNCS(X) \
    X(dnnl_convolution_backward_data_desc_init) \
    X(dnnl_convolution_backward_weights_desc_init) \
    X(dnnl_convolution_forward_desc_init) \
    X(dnnl_engine_create) \
    X(dnnl_memory_create) \
    X(dnnl_memory_set_data_handle) \
    X(dnnl_memory_desc_equal) \
    X(dnnl_memory_desc_get_size) \
    X(dnnl_memory_desc_init_by_tag) \
    X(dnnl_memory_destroy) \
    X(dnnl_post_ops_append_sum) \
    X(dnnl_post_ops_create) \
    X(dnnl_post_ops_destroy) \
    X(dnnl_primitive_attr_create) \
    X(dnnl_primitive_attr_destroy) \
    X(dnnl_primitive_attr_set_post_ops) \
    X(dnnl_primitive_attr_set_scratchpad_mode) \
    X(dnnl_primitive_create) \
    X(dnnl_primitive_desc_create) \
    X(dnnl_primitive_desc_destroy) \
    X(dnnl_primitive_desc_query) \
    X(dnnl_primitive_desc_query_md) \
    X(dnnl_primitive_destroy) \
    X(dnnl_primitive_execute) \
    X(dnnl_reorder_primitive_desc_create) \
    X(dnnl_stream_create) \
    X(dnnl_stream_destroy) \
    X(dnnl_stream_wait)
#define DNNL_PTR(f) __typeof__(f) *f;
static struct {
    DNNL_FUNCS(DNNL_PTR)
} dn;

static int enabled = 1;
int wk__conv_onednn(int on) {
    int old = enabled;
    if (on >= 0) enabled = on;
    return old;
}

/* What one run needs besides the primitive: a stream and a memory object per operand (their
 * data pointers set per chunk). Made on a slot's first use and kept, so a training step's
 * convolutions allocate nothing once every slot in use has been made. */
enum { M_A_USER, M_A_PRIM, M_B_USER, M_B_PRIM, M_O_USER, M_O_PRIM, M_SP, N_MEM };
#define SLOTS 16
typedef struct {
    int busy;
    dnnl_stream_t s;
    dnnl_memory_t m[N_MEM];
} exec_slot;

struct wk_conv_prim {
    wk_conv_map map;
    wk_conv_geom g;
    exec_slot slot[SLOTS]; /* guarded by cache_lock; more concurrent runs than slots make their own */
    dnnl_primitive_t conv;                                  /* NULL: not served (cached refusal) */
    dnnl_memory_desc_t a_user, a_prim, b_user, b_prim, o_user, o_prim, sp;
    dnnl_primitive_t a_in, b_in, o_out, o_add, w_pack;      /* layout copies; NULL where not needed */
    int64_t a_floats, b_floats, o_floats, sp_floats, w_floats; /* the thread's copies, scratchpad; packed weights */
};

#define CACHE_MAX 1024
static wk_conv_prim *cache[CACHE_MAX];
static int cache_n;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static dnnl_engine_t engine;

/* Floats for `bytes`, rounded up to 64 bytes so every part of a thread's scratch stays aligned. */
static int64_t floats_of(size_t bytes) { return (int64_t)((bytes + 63) / 64 * 16); }

/* OpenMP's thread count for the calling thread set to 1 around oneDNN calls; returns the old one. */
static int one_thread(void) {
    int keep = omp_get_max_threads();
    if (keep != 1) omp_set_num_threads(1);
    return keep;
}
static void threads_back(int keep) {
    if (keep != 1) omp_set_num_threads(keep);
}

/* A copy from layout `from` to `to` (+ the old `to` with sum), or NULL where the layouts are equal
 * and no sum is asked for; *sp grows to the copy's scratchpad. Returns 0, or -1 when oneDNN refused. */
static int make_reorder(const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to, int sum, dnnl_primitive_t *r,
                        size_t *sp) {
    *r = NULL;
    if (!sum && dn.dnnl_memory_desc_equal(from, to)) return 0;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t po = NULL;
    dnnl_primitive_desc_t pd = NULL;
    int bad = dn.dnnl_primitive_attr_create(&attr) || dn.dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
    if (!bad && sum) bad = dn.dnnl_post_ops_create(&po) || dn.dnnl_post_ops_append_sum(po, 1.0f) || dn.dnnl_primitive_attr_set_post_ops(attr, po);
    if (!bad) bad = dn.dnnl_reorder_primitive_desc_create(&pd, from, engine, to, engine, attr) != dnnl_success;
    if (!bad) {
        size_t s = dn.dnnl_memory_desc_get_size(dn.dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0));
        if (s > *sp) *sp = s;
        bad = dn.dnnl_primitive_create(r, pd) != dnnl_success;
    }
    if (pd) dn.dnnl_primitive_desc_destroy(pd);
    if (po) dn.dnnl_post_ops_destroy(po);
    if (attr) dn.dnnl_primitive_attr_destroy(attr);
    return bad ? -1 : 0;
}

/* Opens libdnnl.so.2 and makes the CPU engine; engine stays NULL where either fails. `tried`
 * says it ran, so a process without oneDNN returns at once from every later wk__conv_prim. */
static atomic_int tried;
static void init_engine(void) {
    void *lib = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
    int ok = lib != NULL;
#define DNNL_LOAD(f) ok = ok && (*(void **)&dn.f = dlsym(lib, #f)) != NULL;
    DNNL_FUNCS(DNNL_LOAD)
#undef DNNL_LOAD
    if (!ok || dn.dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) engine = NULL;
    atomic_store(&tried, 1);
}

/* The primitive and its copies for one map and chunk shape; e->conv stays NULL where oneDNN does
 * not serve it (no JIT kernel for this CPU and shape, or a refusal). */
static void make_prim(wk_conv_prim *e) {
    const wk_conv_geom *g = &e->g;
    /* oneDNN's right/bottom padding: Ho = (H + pl + pr − k)/s + 1 exactly */
    const int64_t pr = (g->Ho - 1) * g->s + g->k - g->H - g->p, pb = (g->Wo - 1) * g->s + g->k - g->W - g->p;
    if (pr < 0 || pb < 0 || (e->map == CONV_DATA && g->C < 16)) return;
    dnnl_dims_t xd = {g->N, g->C, g->H, g->W}, wd = {g->O, g->C, g->k, g->k}, yd = {g->N, g->O, g->Ho, g->Wo},
                st = {g->s, g->s}, pl = {g->p, g->p}, prr = {pr, pb};
    dnnl_memory_desc_t x_any, w_any, y_any, x_user, w_user, y_user;
    if (dn.dnnl_memory_desc_init_by_tag(&x_any, 4, xd, dnnl_f32, dnnl_format_tag_any) ||
        dn.dnnl_memory_desc_init_by_tag(&w_any, 4, wd, dnnl_f32, dnnl_format_tag_any) ||
        dn.dnnl_memory_desc_init_by_tag(&y_any, 4, yd, dnnl_f32, dnnl_format_tag_any) ||
        dn.dnnl_memory_desc_init_by_tag(&x_user, 4, xd, dnnl_f32, dnnl_nchw) ||
        dn.dnnl_memory_desc_init_by_tag(&w_user, 4, wd, dnnl_f32, dnnl_oihw) ||
        dn.dnnl_memory_desc_init_by_tag(&y_user, 4, yd, dnnl_f32, dnnl_nchw))
        return;
    dnnl_convolution_desc_t fd, cd;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t fpd = NULL, pd = NULL;
    dnnl_primitive_t conv = NULL;
    if (dn.dnnl_convolution_forward_desc_init(&fd, dnnl_forward_training, dnnl_convolution_direct, &x_any, &w_any, NULL,
                                           &y_any, st, pl, prr) ||
        dn.dnnl_primitive_attr_create(&attr) || dn.dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user))
        goto out;
    if (e->map == CONV_FWD) {
        if (dn.dnnl_primitive_desc_create(&pd, &fd, attr, engine, NULL)) goto out;
    } else {
        if (dn.dnnl_primitive_desc_create(&fpd, &fd, NULL, engine, NULL)) goto out; /* the backward kernels' hint */
        if (e->map == CONV_DATA ? dn.dnnl_convolution_backward_data_desc_init(&cd, dnnl_convolution_direct, &x_any, &w_any,
                                                                           &y_any, st, pl, prr)
                                : dn.dnnl_convolution_backward_weights_desc_init(&cd, dnnl_convolution_direct, &x_any,
                                                                              &w_any, NULL, &y_any, st, pl, prr))
            goto out;
        if (dn.dnnl_primitive_desc_create(&pd, &cd, attr, engine, fpd)) goto out;
    }
    const char *impl = NULL;
    /* only the direct JIT kernels: oneDNN's reference loops or its own im2col + gemm are slower
     * than ops_conv.c's im2col path */
    if (dn.dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) || !impl || strncmp(impl, "jit", 3) ||
        strstr(impl, "gemm"))
        goto out;
#define MD(q) (*dn.dnnl_primitive_desc_query_md(pd, (q), 0))
    switch (e->map) {
    case CONV_FWD:
        e->a_user = x_user, e->a_prim = MD(dnnl_query_src_md), e->b_user = w_user, e->b_prim = MD(dnnl_query_weights_md);
        e->o_user = y_user, e->o_prim = MD(dnnl_query_dst_md);
        break;
    case CONV_DATA:
        e->a_user = y_user, e->a_prim = MD(dnnl_query_diff_dst_md), e->b_user = w_user, e->b_prim = MD(dnnl_query_weights_md);
        e->o_user = x_user, e->o_prim = MD(dnnl_query_diff_src_md);
        break;
    case CONV_WEIGHT:
        e->a_user = x_user, e->a_prim = MD(dnnl_query_src_md), e->b_user = y_user, e->b_prim = MD(dnnl_query_diff_dst_md);
        e->o_user = w_user, e->o_prim = MD(dnnl_query_diff_weights_md);
        break;
    }
#undef MD
    size_t sp = dn.dnnl_memory_desc_get_size(dn.dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0));
    if (dn.dnnl_primitive_create(&conv, pd) || make_reorder(&e->a_user, &e->a_prim, 0, &e->a_in, &sp) ||
        make_reorder(&e->o_prim, &e->o_user, 0, &e->o_out, &sp) || make_reorder(&e->o_prim, &e->o_user, 1, &e->o_add, &sp))
        goto out;
    if (e->map == CONV_WEIGHT ? make_reorder(&e->b_user, &e->b_prim, 0, &e->b_in, &sp)
                              : make_reorder(&e->b_user, &e->b_prim, 0, &e->w_pack, &sp))
        goto out;
    e->a_floats = e->a_in ? floats_of(dn.dnnl_memory_desc_get_size(&e->a_prim)) : 0;
    e->b_floats = e->b_in ? floats_of(dn.dnnl_memory_desc_get_size(&e->b_prim)) : 0;
    e->o_floats = floats_of(dn.dnnl_memory_desc_get_size(&e->o_prim)); /* always: `add` goes through it */
    e->sp_floats = floats_of(sp > 64 ? sp : 64);
    /* one scratchpad for the primitive and its copies (they run one after another): bytes */
    if (dn.dnnl_memory_desc_init_by_tag(&e->sp, 1, (dnnl_dims_t){e->sp_floats * 4}, dnnl_u8, dnnl_a)) goto out;
    e->w_floats = e->map == CONV_WEIGHT ? 0 : floats_of(dn.dnnl_memory_desc_get_size(&e->b_prim));
    e->conv = conv, conv = NULL;
out:
    if (!e->conv) { /* refused: whatever was made goes */
        dnnl_primitive_t *made[] = {&e->a_in, &e->b_in, &e->o_out, &e->o_add, &e->w_pack};
        for (size_t i = 0; i < sizeof made / sizeof *made; i++)
            if (*made[i]) dn.dnnl_primitive_destroy(*made[i]), *made[i] = NULL;
    }
    if (conv) dn.dnnl_primitive_destroy(conv);
    if (pd) dn.dnnl_primitive_desc_destroy(pd);
    if (fpd) dn.dnnl_primitive_desc_destroy(fpd);
    if (attr) dn.dnnl_primitive_attr_destroy(attr);
}

const wk_conv_prim *wk__conv_prim(wk_conv_map map, const wk_conv_geom *chunk) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    if (!enabled || (atomic_load(&tried) && !engine)) return NULL;
    /* Under an address-space limit (ulimit -v / -d) oneDNN is neither opened nor asked for new
     * kernels: its JIT code buffer failing to map crashes dnnl_primitive_create (SIGSEGV, seen at
     * 340–500 MB limits), where the im2col path's allocations fail with a message and exit 2. A
     * limit set before the first convolution keeps the whole process on the im2col path; one set
     * later keeps the shapes made before it on oneDNN (their runs allocate only small objects). */
    wk_conv_prim *found = NULL;
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < cache_n && !found; i++)
        if (cache[i]->map == map && !memcmp(&cache[i]->g, chunk, sizeof *chunk)) found = cache[i];
    /* a new shape only: the limit is read here, not on every convolution */
    if (!found && cache_n < CACHE_MAX && !wk_rlimit_set(NULL, NULL)) {
        pthread_once(&once, init_engine);
        if (engine && (found = calloc(1, sizeof *found))) {
            found->map = map, found->g = *chunk;
            int keep = one_thread();
            make_prim(found);
            threads_back(keep);
            cache[cache_n++] = found;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return found && found->conv ? found : NULL;
}

int64_t wk__conv_prim_scratch(const wk_conv_prim *p) { return p->a_floats + p->b_floats + p->o_floats + p->sp_floats; }
int64_t wk__conv_prim_weights_floats(const wk_conv_prim *p) { return p->w_floats; }

static void slot_free(exec_slot *sl) {
    for (int i = 0; i < N_MEM; i++)
        if (sl->m[i]) dn.dnnl_memory_destroy(sl->m[i]), sl->m[i] = NULL;
    if (sl->s) dn.dnnl_stream_destroy(sl->s), sl->s = NULL;
}

/* A free slot of p's, its stream and memory objects made if new (0), or -1 when oneDNN refused.
 * *own = 1: no slot was free, *tmp is the caller's to free (slot_free) after the run. */
static exec_slot *slot_get(const wk_conv_prim *cp, exec_slot *tmp, int *own) {
    wk_conv_prim *p = (wk_conv_prim *)cp; /* the slots are the only mutable part, under the lock */
    exec_slot *sl = NULL;
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < SLOTS && !sl; i++)
        if (!p->slot[i].busy) sl = &p->slot[i], sl->busy = 1;
    pthread_mutex_unlock(&cache_lock);
    *own = !sl;
    if (!sl) memset(tmp, 0, sizeof *tmp), sl = tmp;
    if (!sl->s) {
        const dnnl_memory_desc_t *md[N_MEM] = {&p->a_user, &p->a_prim, &p->b_user, &p->b_prim, &p->o_user, &p->o_prim, &p->sp};
        int bad = dn.dnnl_stream_create(&sl->s, engine, dnnl_stream_default_flags) != dnnl_success;
        for (int i = 0; i < N_MEM && !bad; i++)
            bad = dn.dnnl_memory_create(&sl->m[i], md[i], engine, DNNL_MEMORY_NONE) != dnnl_success;
        if (bad) slot_free(sl);
    }
    return sl;
}

static void slot_put(exec_slot *sl, int own) {
    if (own) {
        slot_free(sl);
        return;
    }
    pthread_mutex_lock(&cache_lock);
    sl->busy = 0;
    pthread_mutex_unlock(&cache_lock);
}

/* Points memory object i at data (oneDNN's handles are not const; inputs are only read). */
static void point(exec_slot *sl, int i, const void *data, int *bad) {
    if (!*bad && dn.dnnl_memory_set_data_handle(sl->m[i], (void *)data) != dnnl_success) *bad = 1;
}

/* Runs r (memory object `from` → `to`, the slot's scratchpad) on the slot's stream. */
static void copy(dnnl_primitive_t r, exec_slot *sl, int from, int to, int *bad) {
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_FROM, sl->m[from]}, {DNNL_ARG_TO, sl->m[to]}, {DNNL_ARG_SCRATCHPAD, sl->m[M_SP]}};
    if (!*bad && dn.dnnl_primitive_execute(r, sl->s, 3, args) != dnnl_success) *bad = 1;
}

int wk__conv_prim_pack_weights(const wk_conv_prim *p, const float *w, float *wb, float *scratch) {
    int keep = one_thread(), bad = 0, own;
    if (!p->w_pack) memcpy(wb, w, (size_t)(p->g.O * p->g.C * p->g.k * p->g.k) * sizeof(float));
    else {
        exec_slot tmp, *sl = slot_get(p, &tmp, &own);
        bad = !sl->s;
        point(sl, M_B_USER, w, &bad), point(sl, M_B_PRIM, wb, &bad);
        point(sl, M_SP, scratch + p->a_floats + p->b_floats + p->o_floats, &bad);
        copy(p->w_pack, sl, M_B_USER, M_B_PRIM, &bad);
        if (!bad) bad = dn.dnnl_stream_wait(sl->s) != dnnl_success;
        slot_put(sl, own);
    }
    threads_back(keep);
    return bad ? wk_errorf(WK_EINTERNAL, "%s: oneDNN refused to copy the weights [%lld, %lld, %lld, %lld] into its layout",
                           wk_conv_map_name(p->map), (long long)p->g.O, (long long)p->g.C, (long long)p->g.k, (long long)p->g.k)
               : 0;
}

int wk__conv_prim_run(const wk_conv_prim *p, const float *a, const float *b, float *out, int add, float *scratch) {
    int keep = one_thread(), own;
    float *a_buf = scratch, *b_buf = a_buf + p->a_floats, *o_buf = b_buf + p->b_floats, *sp_buf = o_buf + p->o_floats;
    const int direct_out = !add && !p->o_out; /* the primitive writes `out` itself */
    exec_slot tmp, *sl = slot_get(p, &tmp, &own);
    int bad = !sl->s;
    /* the operands as the primitive reads and writes them: the caller's buffers where the layouts
     * agree, else this thread's copies */
    const int a_at = p->a_in ? M_A_PRIM : M_A_USER, o_at = direct_out ? M_O_USER : M_O_PRIM;
    const int b_at = p->map != CONV_WEIGHT || p->b_in ? M_B_PRIM : M_B_USER;
    point(sl, M_A_USER, a, &bad), point(sl, M_O_USER, out, &bad), point(sl, M_SP, sp_buf, &bad);
    if (p->a_in) point(sl, M_A_PRIM, a_buf, &bad);
    if (!direct_out) point(sl, M_O_PRIM, o_buf, &bad);
    if (p->map != CONV_WEIGHT) point(sl, M_B_PRIM, b, &bad); /* the packed weights */
    else {
        point(sl, M_B_USER, b, &bad);
        if (p->b_in) point(sl, M_B_PRIM, b_buf, &bad);
    }
    if (p->a_in) copy(p->a_in, sl, M_A_USER, M_A_PRIM, &bad);
    if (p->b_in) copy(p->b_in, sl, M_B_USER, M_B_PRIM, &bad);
    int in_a, in_b, out_arg;
    switch (p->map) {
    case CONV_FWD: in_a = DNNL_ARG_SRC, in_b = DNNL_ARG_WEIGHTS, out_arg = DNNL_ARG_DST; break;
    case CONV_DATA: in_a = DNNL_ARG_DIFF_DST, in_b = DNNL_ARG_WEIGHTS, out_arg = DNNL_ARG_DIFF_SRC; break;
    default: in_a = DNNL_ARG_SRC, in_b = DNNL_ARG_DIFF_DST, out_arg = DNNL_ARG_DIFF_WEIGHTS; break;
    }
    if (!bad) {
        dnnl_exec_arg_t args[4] = {{in_a, sl->m[a_at]}, {in_b, sl->m[b_at]}, {out_arg, sl->m[o_at]}, {DNNL_ARG_SCRATCHPAD, sl->m[M_SP]}};
        bad = dn.dnnl_primitive_execute(p->conv, sl->s, 4, args) != dnnl_success;
    }
    if (!direct_out) copy(add ? p->o_add : p->o_out, sl, M_O_PRIM, M_O_USER, &bad);
    if (!bad) bad = dn.dnnl_stream_wait(sl->s) != dnnl_success;
    slot_put(sl, own);
    threads_back(keep);
    return bad ? wk_errorf(WK_EINTERNAL, "%s: oneDNN refused to run a chunk of %lld images (%lld→%lld channels, %lld×%lld)",
                           wk_conv_map_name(p->map), (long long)p->g.N, (long long)p->g.C, (long long)p->g.O, (long long)p->g.H,
                           (long long)p->g.W)
               : 0;
}

#else /* no oneDNN in this build: ops_conv.c takes the im2col path everywhere */
int wk__conv_onednn(int on) { return (void)on, 0; }
const wk_conv_prim *wk__conv_prim(wk_conv_map map, const wk_conv_geom *chunk) { return (void)map, (void)chunk, NULL; }
int64_t wk__conv_prim_scratch(const wk_conv_prim *p) { return (void)p, 0; }
int64_t wk__conv_prim_weights_floats(const wk_conv_prim *p) { return (void)p, 0; }
int wk__conv_prim_pack_weights(const wk_conv_prim *p, const float *w, float *wb, float *scratch) {
    return (void)p, (void)w, (void)wb, (void)scratch, wk_errorf(WK_EINTERNAL, "conv2d: this build has no oneDNN");
}
int wk__conv_prim_run(const wk_conv_prim *p, const float *a, const float *b, float *out, int add, float *scratch) {
    return (void)p, (void)a, (void)b, (void)out, (void)add, (void)scratch, wk_errorf(WK_EINTERNAL, "conv2d: this build has no oneDNN");
}
#endif
