/* ops_conv.c — 2-D convolution and transposed convolution (NCHW, square kernels, PyTorch's
 * weight layouts), over chunks of the batch (a few MB of im2col at a time), on the calling
 * context's threads as one team per call (conv_run); results do not depend on the thread count.
 *
 * Three bilinear maps close the family under differentiation:
 *   conv(x; w)        y  = W · im2col(x)
 *   convT(u; w)       x  = col2im(Wᵀ · u)        (the adjoint of conv in x; PyTorch's
 *                                                 ConvTranspose2d with weight [in, out, k, k])
 *   convW(x, gy)      gw = gy · im2col(x)ᵀ      (the adjoint of conv in w)
 * The vjp of each is built from the other two, so convolutions differentiate to any order.
 *
 * Two ways to run a map, chosen per call: oneDNN's direct JIT kernels (conv_onednn.c), chunk by
 * chunk, where the build has oneDNN, libdnnl.so.2 opens and it serves the geometry; else im2col +
 * sgemm here. On the 28×28 critic's big layer (64→128 channels, 14×14 → 7×7, chunks of 8 images,
 * one thread, Zen 5) oneDNN's jit:avx512_core kernels run at ~190 GFLOP/s against ~95 for
 * OpenBLAS's AVX2 sgemm before the im2col is counted; a DCGAN WGAN-GP generator iteration at 2
 * threads fell from 0.37 to 0.22 s (bench_dcgan_step). oneDNN's results differ from im2col's in
 * the order of the sums only (test_conv_paths). Stride-2 layers with rows of 8 to 16 columns
 * (the 28×28 DCGAN's big layers) take vectorised im2col / col2im (AVX2 builds) on the im2col
 * path, bit-identical to the generic loops. */
#include "core/conv_internal.h"
#include "core/graph_internal.h"

#include <math.h>
#include <omp.h>
#include <string.h>
#ifdef __AVX2__
#include <immintrin.h>
#endif

typedef wk_conv_geom geom;
typedef wk_conv_map conv_map;

/* The output columns ow whose input column ow·s − p + j lies inside [0, W): [*lo, *hi). */
static void valid_cols(const geom *gm, int64_t j, int64_t *lo, int64_t *hi) {
    int64_t off = j - gm->p; /* input column = ow·s + off */
    *lo = off >= 0 ? 0 : (-off + gm->s - 1) / gm->s;
    *hi = gm->W - off <= 0 ? 0 : (gm->W - off + gm->s - 1) / gm->s;
    if (*hi > gm->Wo) *hi = gm->Wo;
    if (*lo > *hi) *lo = *hi;
}

/* d[ow] = src[ow·s] for ow in [lo, hi): strides 1 and 2 (every DCGAN layer) as their own
 * loops, which the compiler vectorises; the runs are short (7 or 14 columns at 28×28). */
static inline void gather_row(float *restrict d, const float *restrict src, int64_t lo, int64_t hi, int64_t s) {
    if (s == 1)
        memcpy(d + lo, src + lo, (size_t)(hi - lo) * sizeof(float));
    else if (s == 2)
        for (int64_t ow = lo; ow < hi; ow++) d[ow] = src[2 * ow];
    else
        for (int64_t ow = lo; ow < hi; ow++) d[ow] = src[ow * s];
}

/* col[(c*k + i)*k + j - r0][n*L + oh*Wo + ow] = x[n, c, oh*s - p + i, ow*s - p + j] (0 outside),
 * for the rows [r0, r1) of the full im2col matrix. The valid column range is computed once per
 * kernel column, so the inner loop is a plain strided copy. par: may start its own team (0 inside
 * a team, where each thread has its own part). */
static void im2col(const geom *gm, const float *x, float *col, int64_t r0, int64_t r1, int par) {
    int64_t L = gm->Ho * gm->Wo, NL = gm->N * L;
#pragma omp parallel for if (par && (r1 - r0) * NL > WK_PAR_MIN)
    for (int64_t r = r0; r < r1; r++) {
        int64_t c = r / (gm->k * gm->k), i = (r / gm->k) % gm->k, j = r % gm->k, lo, hi;
        valid_cols(gm, j, &lo, &hi);
        const int64_t s = gm->s, off = j - gm->p;
        float *dst = col + (r - r0) * NL;
        for (int64_t n = 0; n < gm->N; n++)
            for (int64_t oh = 0; oh < gm->Ho; oh++) {
                int64_t h = oh * gm->s - gm->p + i;
                float *d = dst + n * L + oh * gm->Wo;
                if (h < 0 || h >= gm->H) {
                    memset(d, 0, (size_t)gm->Wo * sizeof(float));
                    continue;
                }
                const float *src = x + ((n * gm->C + c) * gm->H + h) * gm->W + off;
                for (int64_t ow = 0; ow < lo; ow++) d[ow] = 0.0f;
                gather_row(d, src, lo, hi, s);
                for (int64_t ow = hi; ow < gm->Wo; ow++) d[ow] = 0.0f;
            }
    }
}

/* x += col2im(col): the adjoint of im2col. Parallel over channels (disjoint outputs) when par. */
static void col2im_add(const geom *gm, const float *col, float *x, int par) {
    int64_t L = gm->Ho * gm->Wo, NL = gm->N * L;
#pragma omp parallel for if (par && gm->C * gm->k * gm->k * NL > WK_PAR_MIN)
    for (int64_t c = 0; c < gm->C; c++)
        for (int64_t i = 0; i < gm->k; i++)
            for (int64_t j = 0; j < gm->k; j++) {
                int64_t lo, hi;
                valid_cols(gm, j, &lo, &hi);
                const int64_t s = gm->s, off = j - gm->p;
                const float *src = col + ((c * gm->k + i) * gm->k + j) * NL;
                for (int64_t n = 0; n < gm->N; n++)
                    for (int64_t oh = 0; oh < gm->Ho; oh++) {
                        int64_t h = oh * gm->s - gm->p + i;
                        if (h < 0 || h >= gm->H) continue;
                        float *dst = x + ((n * gm->C + c) * gm->H + h) * gm->W + off;
                        const float *sr = src + n * L + oh * gm->Wo;
                        if (s == 2)
                            for (int64_t ow = lo; ow < hi; ow++) dst[2 * ow] += sr[ow];
                        else
                            for (int64_t ow = lo; ow < hi; ow++) dst[ow * s] += sr[ow];
                    }
            }
}

/* Stride 2 with output rows of at most 8 columns and input rows of 8 to 16 (the 28×28 DCGAN's
 * 64↔128-channel layers: 14 → 7 columns, which carry ~95 % of its products), by 8-lane vectors.
 * One input row x[0..W) is held in two registers as its even and odd columns; kernel column j
 * reads (im2col) or adds to (col2im) column 2·ow + q, q = j − p, of output column ow: lane
 * ow + ⌊q/2⌋ of the even (q even) or odd (q odd) half, so each j is one lane shift (a permute,
 * and zeros where the shift leaves the row: the generic loops' valid_cols). The generic loops
 * above spend most of their time on loop control for 7-element runs. The values are the same
 * copies (im2col) and the same additions in the same order (col2im), so both paths give
 * bit-identical results (test_conv_paths checks it). */
static int fast_conv = 1;
int wk__conv_fast_path(int on) {
    int old = fast_conv;
    if (on >= 0) fast_conv = on;
    return old;
}
#ifdef __AVX2__
static int fast_geom(const geom *gm) {
    return fast_conv && gm->s == 2 && gm->Wo <= 8 && gm->W >= 8 && gm->W <= 16 && gm->k <= 16;
}
/* Lane mask of the first n (0..8) lanes. */
static inline __m256i first_lanes(int64_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
/* The even and odd lanes of the 16 floats a ‖ b: (a0 a2 a4 a6 b0 b2 b4 b6) and (a1 a3 .. b7). */
static inline __m256 even_lanes(__m256 a, __m256 b) {
    __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)); /* a0 a2 b0 b2 | a4 a6 b4 b6 */
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
}
static inline __m256 odd_lanes(__m256 a, __m256 b) {
    __m256 o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), _MM_SHUFFLE(3, 1, 2, 0)));
}
/* The shift by t lanes: lane m takes lane m − t (a permute index), kept where 0 <= m − t < 8
 * (a mask; the others become 0). */
typedef struct {
    __m256i perm, keep;
} lane_shift;
static lane_shift shift_by(int64_t t) {
    __m256i src = _mm256_sub_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)t));
    return (lane_shift){_mm256_and_si256(src, _mm256_set1_epi32(7)),
                        _mm256_andnot_si256(_mm256_cmpgt_epi32(_mm256_setzero_si256(), src),
                                            _mm256_cmpgt_epi32(_mm256_set1_epi32(8), src))};
}
static inline __m256 shifted(__m256 v, lane_shift sh) {
    return _mm256_and_ps(_mm256_permutevar8x32_ps(v, sh.perm), _mm256_castsi256_ps(sh.keep));
}
static inline int64_t floor_half(int64_t q) { return q >= 0 ? q / 2 : -((-q + 1) / 2); }

/* A plane of n floats towards the cache, one prefetch per 64-byte line. */
#define PREFETCH_IMAGES 1
static inline void prefetch_plane(const float *p, int64_t n) {
    for (int64_t l = 0; l < n; l += 16) __builtin_prefetch(p + l, 0, 3);
}

/* im2col's rows [r0, r1), both multiples of k (whole kernel rows (c, i)). */
static void im2col_s2(const geom *gm, const float *x, float *col, int64_t r0, int64_t r1, int par) {
    const int64_t L = gm->Ho * gm->Wo, NL = gm->N * L, k = gm->k, Wo = gm->Wo;
    const __m256i mo = first_lanes(Wo), mx0 = first_lanes(gm->W), mx1 = first_lanes(gm->W - 8);
    lane_shift sh[16]; /* output lane ow reads lane ow + ⌊q/2⌋ */
    for (int64_t j = 0; j < k; j++) sh[j] = shift_by(-floor_half(j - gm->p));
#pragma omp parallel for if (par && (r1 - r0) * NL > WK_PAR_MIN)
    for (int64_t ci = r0 / k; ci < r1 / k; ci++) {
        const int64_t c = ci / k, i = ci % k;
        float *dst = col + (ci * k - r0) * NL;
        for (int64_t n = 0; n < gm->N; n++) {
            /* the next image's channel c: a jump of C·H·W floats that the hardware prefetchers
             * do not follow (the loads waited on L3 / memory: ~40 % of this loop's time) */
            if (n + PREFETCH_IMAGES < gm->N) prefetch_plane(x + ((n + PREFETCH_IMAGES) * gm->C + c) * gm->H * gm->W, gm->H * gm->W);
            for (int64_t oh = 0; oh < gm->Ho; oh++) {
                const int64_t h = oh * 2 - gm->p + i, o = n * L + oh * Wo;
                /* 8-lane stores: lanes past Wo land on the next runs of the same row, written
                 * after this one, except where a store would pass the row's end (its last run,
                 * or its last two or three when Wo < 4): a masked store there (slow on some CPUs,
                 * so only there) */
                const int last = NL - o < 8;
                if (h < 0 || h >= gm->H) {
                    for (int64_t j = 0; j < k; j++)
                        if (last) _mm256_maskstore_ps(dst + j * NL + o, mo, _mm256_setzero_ps());
                        else _mm256_storeu_ps(dst + j * NL + o, _mm256_setzero_ps());
                    continue;
                }
                const float *src = x + ((n * gm->C + c) * gm->H + h) * gm->W;
                __m256 a = _mm256_maskload_ps(src, mx0), b = _mm256_maskload_ps(src + 8, mx1);
                __m256 half[2] = {even_lanes(a, b), odd_lanes(a, b)};
                for (int64_t j = 0; j < k; j++) {
                    __m256 d = shifted(half[((j - gm->p) & 1) != 0], sh[j]);
                    if (last) _mm256_maskstore_ps(dst + j * NL + o, mo, d);
                    else _mm256_storeu_ps(dst + j * NL + o, d);
                }
            }
        }
    }
}
/* x += col2im(col) for fast_geom. One input row x[0..W) is held in registers as its even and odd
 * columns; the contribution d_j[ow] of kernel column j goes to column 2·ow + q, q = j − p, i.e.
 * to lane ow + ⌊q/2⌋ of the even (q even) or odd (q odd) half: d_j moved by ⌊q/2⌋ lanes, the
 * lanes moved out of the row dropped (the generic loop's valid_cols), the lanes moved in zero.
 * Each column gets the additions of the generic loop in its order (i outer, then j); columns
 * without a contribution get + 0. */
static void col2im_add_s2(const geom *gm, const float *col, float *x, int par) {
    const int64_t L = gm->Ho * gm->Wo, NL = gm->N * L, k = gm->k, Wo = gm->Wo, W = gm->W;
    const __m256i mo = first_lanes(Wo), mx0 = first_lanes(W), mx1 = first_lanes(W - 8), lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    lane_shift sh[16]; /* d_j's lane ow goes to lane ow + ⌊q/2⌋ */
    for (int64_t j = 0; j < k; j++) sh[j] = shift_by(floor_half(j - gm->p));
    /* the last 8 columns x[W−8..W) from the two halves v0 = x[0..8), v1 = x[8..16) */
    const __m256i tail_idx = _mm256_and_si256(_mm256_add_epi32(lane, _mm256_set1_epi32((int)W - 8)), _mm256_set1_epi32(7));
    const __m256 tail_v1 = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_add_epi32(lane, _mm256_set1_epi32((int)W - 8)), _mm256_set1_epi32(7)));
#pragma omp parallel for if (par && gm->C * k * k * NL > WK_PAR_MIN)
    for (int64_t c = 0; c < gm->C; c++)
        for (int64_t i = 0; i < k; i++) {
            const float *src = col + (c * k + i) * k * NL;
            for (int64_t n = 0; n < gm->N; n++) {
                if (n + PREFETCH_IMAGES < gm->N) prefetch_plane(x + ((n + PREFETCH_IMAGES) * gm->C + c) * gm->H * W, gm->H * W);
                for (int64_t oh = 0; oh < gm->Ho; oh++) {
                    const int64_t h = oh * 2 - gm->p + i, o = n * L + oh * Wo;
                    if (h < 0 || h >= gm->H) continue;
                    float *xr = x + ((n * gm->C + c) * gm->H + h) * W;
                    __m256 a = _mm256_maskload_ps(xr, mx0), b = _mm256_maskload_ps(xr + 8, mx1);
                    __m256 half[2] = {even_lanes(a, b), odd_lanes(a, b)};
                    for (int64_t j = 0; j < k; j++) {
                        __m256 d = _mm256_maskload_ps(src + j * NL + o, mo);
                        int odd = ((j - gm->p) & 1) != 0;
                        half[odd] = _mm256_add_ps(half[odd], shifted(d, sh[j]));
                    }
                    __m256 lo = _mm256_unpacklo_ps(half[0], half[1]), hi = _mm256_unpackhi_ps(half[0], half[1]);
                    __m256 v0 = _mm256_permute2f128_ps(lo, hi, 0x20), v1 = _mm256_permute2f128_ps(lo, hi, 0x31);
                    __m256 tail = _mm256_blendv_ps(_mm256_permutevar8x32_ps(v0, tail_idx),
                                                   _mm256_permutevar8x32_ps(v1, tail_idx), tail_v1);
                    /* W in [8, 16]: two 8-lane stores, overlapping (same values) where W < 16 */
                    _mm256_storeu_ps(xr, v0);
                    _mm256_storeu_ps(xr + W - 8, tail);
                }
            }
        }
}
#else
static int fast_geom(const geom *gm) { (void)gm; return 0; }
static void im2col_s2(const geom *gm, const float *x, float *col, int64_t r0, int64_t r1, int par) {
    (void)gm, (void)x, (void)col, (void)r0, (void)r1, (void)par;
}
static void col2im_add_s2(const geom *gm, const float *col, float *x, int par) { (void)gm, (void)col, (void)x, (void)par; }
#endif

/* [N, O, L] <-> [O, N*L], images [n0, n1) */
static void nol_to_onl(const geom *gm, const float *a, float *b, int back, int add, int64_t n0, int64_t n1) {
    int64_t L = gm->Ho * gm->Wo;
    for (int64_t n = n0; n < n1; n++)
        for (int64_t o = 0; o < gm->O; o++) {
            const float *src = back ? a + (o * gm->N + n) * L : a + (n * gm->O + o) * L;
            float *dst = back ? b + (n * gm->O + o) * L : b + (o * gm->N + n) * L;
            if (add)
                for (int64_t l = 0; l < L; l++) dst[l] += src[l];
            else
                memcpy(dst, src, (size_t)L * sizeof(float));
        }
}

/* The three kernels below run the batch in chunks of `nb` images: the im2col buffer is
 * K × nb·L floats instead of K × N·L, so it stays in cache between im2col and the sgemm that
 * reads it, and an op's scratch is a few MB whatever the batch (the whole batch's buffer was
 * 26 MB for the 28×28 critic at batch 128, kept once per graph). Per output element the sum
 * over K is one sgemm's, as before; only the weight gradient sums its N·L terms chunk by chunk.
 * 2 MB a chunk (8 images of the 28×28 DCGAN's big layers): on a Zen 5 with 1 MB of L2 a core,
 * a DCGAN step at 2 threads took 0.38–0.40 s with 1.6 MB chunks, 0.39–0.41 s with 0.8 MB,
 * 0.41–0.44 s with 0.4 MB and 0.39–0.45 s with 4 MB (bench_dcgan_step --chunk, three
 * interleaved rounds; the machine's noise is about as large as the differences). */
static int64_t chunk_floats = (int64_t)1 << 19;

int64_t wk__conv_chunk_floats(int64_t n) {
    int64_t old = chunk_floats;
    if (n > 0) chunk_floats = n;
    return old;
}

/* Images a chunk: the batch in equal chunks, as few as keep each chunk's im2col within
 * chunk_floats, their count rounded up to a multiple of CONV_MIN_CHUNKS (so a team of 2, 4 or 8
 * threads has equal shares when the batch divides evenly; at least one image a chunk). It depends on the geometry only, never on the threads: OpenBLAS's sum for one output
 * element depends on the product's shape, so chunks that changed with the thread count would
 * change the results' last bits with it. */
#define CONV_MIN_CHUNKS 8
static int64_t chunk_images(const geom *gm) {
    const int64_t per = gm->C * gm->k * gm->k * gm->Ho * gm->Wo, fit = chunk_floats / (per > 0 ? per : 1);
    int64_t nchunks = (gm->N + (fit > 0 ? fit : 1) - 1) / (fit > 0 ? fit : 1);
    nchunks = (nchunks + CONV_MIN_CHUNKS - 1) / CONV_MIN_CHUNKS * CONV_MIN_CHUNKS; /* a multiple: equal shares */
    if (nchunks > gm->N) nchunks = gm->N;
    if (nchunks < 1) nchunks = 1;
    return (gm->N + nchunks - 1) / nchunks;
}

/* The geometry of images [n0, n0 + nb) and the offsets of their first image in x and y. */
static geom sub_batch(const geom *gm, int64_t n0, int64_t nb, int64_t *xoff, int64_t *yoff) {
    geom s = *gm;
    s.N = nb;
    *xoff = n0 * gm->C * gm->H * gm->W;
    *yoff = n0 * gm->O * gm->Ho * gm->Wo;
    return s;
}

/* The three maps, chunk by chunk over the batch (`a` is the image-side input: x for CONV_FWD and
 * CONV_WEIGHT, gy for CONV_DATA):
 *   CONV_FWD     y (+)= conv(x; w)            y [N, O, Ho, Wo]
 *   CONV_DATA    x (+)= convT(gy; w) = col2im(wᵀ · gy)
 *   CONV_WEIGHT  gw (+)= gy · im2col(x)ᵀ      gw [O, C, k, k]
 * On a team of T threads (conv_team) the whole call is one parallel region, not one per copy and
 * per product of each chunk (a DCGAN step started 678 teams an iteration before, 247 after):
 * CONV_FWD and CONV_DATA give each thread a run of whole chunks (their outputs are disjoint
 * images; thread t's images are the t-th share of the batch, as in the element-wise loops'
 * static split, so the next op finds them in its own core's cache),
 * CONV_WEIGHT gives each thread parts of gw's columns (kernel rows (c, i), whose im2col rows it
 * builds itself, over the same chunks as one thread; conv_run) or, for a layer of few columns,
 * chunks whose gw are summed afterwards in chunk order. Each output element is the same
 * single-threaded product's sum in the same order either way (the chunks and parts do not depend
 * on the threads: chunk_images, WEIGHT_PARTS), so the results do not depend on the thread count
 * (test_conv_paths). oneDNN's path (onednn_run) splits the same chunks the same way. A batch of
 * one image is one chunk, so one thread runs it whatever the team. */

/* The context of a chunk's products: one thread, never cut into parts (an infinite parallel
 * minimum). A product's bits depend on where it is cut (backend_cpu.c), so every chunk is one
 * whole single-threaded call, on a team's thread or a lone one alike. */
static const wk_exec one_call = {.threads = 1, .blas_par_min = INFINITY, .cancel = NULL};

/* y[n, c, l] += b[c] for N images of ch channels of L values. */
static void bias_add(float *y, const float *b, int64_t N, int64_t ch, int64_t L, int par) {
#pragma omp parallel for if (par && N * ch * L > WK_PAR_MIN)
    for (int64_t nc = 0; nc < N * ch; nc++) {
        float bc = b[nc % ch], *yr = y + nc * L;
        for (int64_t l = 0; l < L; l++) yr[l] += bc;
    }
}

/* Images [n0, n0 + nb) of CONV_FWD or CONV_DATA on the buffers col [K, nb·L] and onl [O, nb·L],
 * the bias (NULL: none) added to their output images (CONV_WEIGHT: their own weight gradient);
 * par: the copies may start a team and the product runs on the caller's threads (one thread's
 * part of a team: 0). */
static void chunk_run(const geom *gm, conv_map map, int64_t n0, int64_t nb, const float *a, const float *w,
                      const float *bias, float *out, int add, float *col, float *onl, int par) {
    const wk_backend *be = wk_backend_for(WK_DEVICE_CPU);
    const int64_t L = gm->Ho * gm->Wo, K = gm->C * gm->k * gm->k;
    int64_t xo, yo;
    geom s = sub_batch(gm, n0, nb, &xo, &yo);
    const int cols = (int)(s.N * L), fast = fast_geom(&s);
    if (map == CONV_WEIGHT) { /* a: x, w: gy, out: this chunk's own gw [O, K] (conv_run sums them) */
        (fast ? im2col_s2 : im2col)(&s, a + xo, col, 0, K, par);
        nol_to_onl(&s, w + yo, onl, 0, 0, 0, s.N);
        be->sgemm(&one_call, 0, 1, (int)s.O, (int)K, cols, 1.0f, onl, cols, col, cols, 0.0f, out, (int)K);
    } else if (map == CONV_FWD) {
        (fast ? im2col_s2 : im2col)(&s, a + xo, col, 0, K, par);
        be->sgemm(&one_call, 0, 0, (int)s.O, cols, (int)K, 1.0f, w, (int)K, col, cols, 0.0f, onl, cols);
        nol_to_onl(&s, onl, out + yo, 1, add, 0, s.N);
        if (bias) bias_add(out + yo, bias, s.N, s.O, L, par);
    } else {
        nol_to_onl(&s, a + yo, onl, 0, 0, 0, s.N);
        be->sgemm(&one_call, 1, 0, (int)K, cols, (int)s.O, 1.0f, w, (int)K, onl, cols, 0.0f, col, cols);
        if (!add) memset(out + xo, 0, (size_t)(s.N * s.C * s.H * s.W) * sizeof(float));
        (fast ? col2im_add_s2 : col2im_add)(&s, col, out + xo, par);
        if (bias) bias_add(out + xo, bias, s.N, s.C, s.H * s.W, par);
    }
}

/* CONV_WEIGHT's columns [r0, r1) of gw (kernel rows: multiples of k), over the whole batch in
 * chunks of nb images: col holds the chunk's im2col rows [r0, r1); gyt is gy as [O, N·L]. */
static void weight_run(const geom *gm, int64_t r0, int64_t r1, int64_t nb, const float *x, const float *gyt,
                       float *gw, int add, float *col, int par) {
    const wk_backend *be = wk_backend_for(WK_DEVICE_CPU);
    const int64_t L = gm->Ho * gm->Wo, K = gm->C * gm->k * gm->k;
    for (int64_t n0 = 0; n0 < gm->N; n0 += nb) {
        int64_t xo, yo;
        geom s = sub_batch(gm, n0, nb < gm->N - n0 ? nb : gm->N - n0, &xo, &yo);
        const int cols = (int)(s.N * L);
        (fast_geom(&s) ? im2col_s2 : im2col)(&s, x + xo, col, r0, r1, par);
        be->sgemm(&one_call, 0, 1, (int)s.O, (int)(r1 - r0), cols, 1.0f, gyt + n0 * L, (int)(gm->N * L),
                  col, cols, add || n0 > 0 ? 1.0f : 0.0f, gw + r0, (int)K);
    }
}

/* Kernel rows (c, i) a CONV_WEIGHT part is made of: the fewest whose k columns each add up to a
 * multiple of 16; and at most WEIGHT_PARTS parts, whatever the threads (equal shares for 2, 4 or 8). */
#define WEIGHT_PARTS 8
static int64_t weight_group(int64_t k) {
    int64_t g = 1;
    while ((g * k) % 16) g++;
    return g;
}

/* Threads for a map of `work` multiply-adds over `units` independent parts: the caller's
 * context's (below a quarter of its products' parallel minimum, or a call from inside a team: 1). */
static int conv_team(double work, int64_t units) {
    if (omp_in_parallel()) return 1;
    const wk_exec *x = wk_exec_current();
    /* a quarter of the products' minimum: the team also splits the copies, the transposes and the
     * bias of each chunk, which one thread would do alone */
    int nt = x->threads > 1 && work >= x->blas_par_min / 4 ? x->threads : 1;
    return units < nt ? (int)(units > 1 ? units : 1) : nt;
}

/* One call's layout and buffers, shared by its threads (conv_run, conv_share). */
typedef struct {
    const geom *gm;
    conv_map map;
    const float *a, *w_or_gy, *bias;
    float *out;
    int add, by_chunk, by_part;
    int64_t nb, nchunks, group, groups, nparts;
    int64_t rows, per;        /* a thread's im2col rows; its floats of buf */
    float *buf, *parts, *gyt; /* per-thread buffers; by_chunk: each chunk's gw; by_part: gy as [O, N·L] */
} conv_call;

/* Thread t of tt's share of a call. par: a lone thread (tt = 1, outside a team) whose copies and
 * products may start their own team; it adds the bias after its last chunk, as one team. */
static void conv_share(const conv_call *cc, int t, int tt, int par) {
    const geom *gm = cc->gm;
    const int64_t L = gm->Ho * gm->Wo, K = gm->C * gm->k * gm->k;
    float *col = cc->buf + cc->per * t, *onl = col + cc->rows * cc->nb * L;
    if (cc->by_part) {
        /* gy transposed, images split over the team, before any part reads it */
        nol_to_onl(gm, cc->w_or_gy, cc->gyt, 0, 0, gm->N * t / tt, gm->N * (t + 1) / tt);
#pragma omp barrier
        for (int64_t p = t; p < cc->nparts; p += tt) { /* a smaller team than asked for takes more parts each */
            const int64_t units = gm->C * gm->k, u0 = cc->groups * p / cc->nparts * cc->group,
                          u1 = cc->groups * (p + 1) / cc->nparts * cc->group;
            weight_run(gm, u0 * gm->k, (u1 < units ? u1 : units) * gm->k, cc->nb, cc->a, cc->gyt, cc->out, cc->add, col, par);
        }
        return;
    }
    for (int64_t c = cc->nchunks * t / tt; c < cc->nchunks * (t + 1) / tt; c++) {
        const int64_t n0 = c * cc->nb;
        chunk_run(gm, cc->map, n0, cc->nb < gm->N - n0 ? cc->nb : gm->N - n0, cc->a, cc->w_or_gy, par ? NULL : cc->bias,
                  cc->by_chunk ? cc->parts + c * gm->O * K : cc->out, cc->add, col, onl, par);
    }
    if (par && cc->bias && cc->map == CONV_FWD) bias_add(cc->out, cc->bias, gm->N, gm->O, L, 1);
    if (par && cc->bias && cc->map == CONV_DATA) bias_add(cc->out, cc->bias, gm->N, gm->C, gm->H * gm->W, 1);
}

/* gw (+)= the chunks' own gw [O, K], summed in chunk order (the same sums on any team), a block
 * of 256 elements at a time: each chunk's block is one contiguous vector pass, where a scalar sum
 * per element walked the chunks' n-float stride (3 % of a DCGAN step). */
static void sum_parts(const float *parts, int64_t nchunks, int64_t n, float *out, int add, int nt) {
#pragma omp parallel for num_threads(nt) if (nt > 1 && n * nchunks > WK_PAR_MIN)
    for (int64_t e0 = 0; e0 < n; e0 += 256) {
        const int64_t m = n - e0 < 256 ? n - e0 : 256;
        float s[256];
        if (add)
#pragma omp simd
            for (int64_t e = 0; e < m; e++) s[e] = out[e0 + e] + parts[e0 + e];
        else
            memcpy(s, parts + e0, (size_t)m * sizeof(float));
        for (int64_t c = 1; c < nchunks; c++) {
            const float *pc = parts + c * n + e0;
#pragma omp simd
            for (int64_t e = 0; e < m; e++) s[e] += pc[e];
        }
        memcpy(out + e0, s, (size_t)m * sizeof(float));
    }
}

/* CONV_WEIGHT on oneDNN: the chunks in at most WEIGHT_GROUPS fixed groups (runs of consecutive
 * chunks), each summed on one thread as it goes (the first chunk writes, the next add through the
 * primitive's summing copy), the groups then summed in order. The scratch holds all groups but
 * the first (which sums into gw itself), at most WEIGHT_SCRATCH floats unless one gw is larger:
 * a fixed size, where a gw per chunk grew with the batch (the im2col path needs none). */
#define WEIGHT_GROUPS 8
#define WEIGHT_SCRATCH ((int64_t)1 << 21)
static int64_t weight_groups(const geom *gm, int64_t nchunks) {
    const int64_t per = gm->O * gm->C * gm->k * gm->k, fit = 1 + WEIGHT_SCRATCH / (per > 0 ? per : 1);
    int64_t n = nchunks < WEIGHT_GROUPS ? nchunks : WEIGHT_GROUPS;
    return n < fit ? n : fit;
}

/* The map by oneDNN's primitives (conv_onednn.c), chunk by chunk over the same chunks as the
 * im2col path (chunk_images) and the same static split of them over the team (CONV_WEIGHT: of
 * its groups of chunks). Each chunk's primitive runs on one thread, so the results do not depend
 * on the thread count. Returns 0 where oneDNN does not serve the geometry (the caller takes the
 * im2col path), else 1 (done, or failed with the graph's status set). */
static int onednn_run(wk_graph *g, const geom *gm, conv_map map, const float *a, const float *w_or_gy,
                      const float *bias, float *out, int add, int64_t nb, int64_t nchunks, double work) {
    const int64_t L = gm->Ho * gm->Wo, K = gm->C * gm->k * gm->k, last = gm->N - (nchunks - 1) * nb;
    geom s = *gm;
    s.N = nb;
    const wk_conv_prim *full = wk__conv_prim(map, &s), *tail = full;
    if (full && last != nb) s.N = last, tail = wk__conv_prim(map, &s);
    if (!full || !tail) return 0;
    const int64_t groups = map == CONV_WEIGHT ? weight_groups(gm, nchunks) : nchunks; /* units split over the team */
    const int nt = conv_team(work, groups);
    const int64_t per = wk__conv_prim_scratch(full) > wk__conv_prim_scratch(tail) ? wk__conv_prim_scratch(full)
                                                                                  : wk__conv_prim_scratch(tail);
    float *buf = wk__scratch(g, per * nt), *wb = NULL, *wb_tail = NULL, *parts = NULL;
    if (map != CONV_WEIGHT) { /* the weights in each primitive's layout, once for all chunks */
        wb = wk__scratch(g, wk__conv_prim_weights_floats(full));
        wb_tail = tail == full ? wb : wk__scratch(g, wk__conv_prim_weights_floats(tail));
    } else if (groups > 1)
        parts = wk__scratch(g, (groups - 1) * gm->O * K);
    if (!buf || (map != CONV_WEIGHT && (!wb || !wb_tail)) || (map == CONV_WEIGHT && groups > 1 && !parts)) {
        wk__scratch_done(g); /* status set */
        return 1;
    }
    int rc = wb ? wk__conv_prim_pack_weights(full, w_or_gy, wb, buf) : 0;
    if (!rc && wb_tail != wb) rc = wk__conv_prim_pack_weights(tail, w_or_gy, wb_tail, buf);
    int64_t failed_at = -1; /* a chunk oneDNN refused to run */
    if (!rc) {
#pragma omp parallel num_threads(nt)
        {
            const int t = omp_get_thread_num(), tt = omp_get_num_threads();
            float *mine = buf + per * t;
            for (int64_t u = groups * t / tt; u < groups * (t + 1) / tt; u++) {
                /* CONV_WEIGHT: group u's chunks into gw (group 0) or its part; else chunk u alone */
                const int64_t c0 = map == CONV_WEIGHT ? nchunks * u / groups : u,
                              c1 = map == CONV_WEIGHT ? nchunks * (u + 1) / groups : u + 1;
                for (int64_t c = c0; c < c1; c++) {
                    const int64_t n0 = c * nb, n = n0 + nb <= gm->N ? nb : gm->N - n0;
                    int64_t xo, yo;
                    sub_batch(gm, n0, n, &xo, &yo);
                    const wk_conv_prim *p = n == nb ? full : tail;
                    int bad;
                    if (map == CONV_FWD) {
                        bad = wk__conv_prim_run(p, a + xo, p == full ? wb : wb_tail, out + yo, add, mine);
                        if (!bad && bias) bias_add(out + yo, bias, n, gm->O, L, 0);
                    } else if (map == CONV_DATA) {
                        bad = wk__conv_prim_run(p, a + yo, p == full ? wb : wb_tail, out + xo, add, mine);
                        if (!bad && bias) bias_add(out + xo, bias, n, gm->C, gm->H * gm->W, 0);
                    } else
                        bad = wk__conv_prim_run(p, a + xo, w_or_gy + yo, u ? parts + (u - 1) * gm->O * K : out,
                                                c > c0 || (u == 0 && add), mine);
                    if (bad) {
#pragma omp atomic write
                        failed_at = c;
                    }
                }
            }
        }
        if (failed_at < 0 && map == CONV_WEIGHT && groups > 1) sum_parts(parts, groups - 1, gm->O * K, out, 1, nt);
    }
    if (rc) wk__fail(g, rc, "%s", wk_last_error());
    else if (failed_at >= 0) {
        const int64_t n = failed_at * nb + nb <= gm->N ? nb : gm->N - failed_at * nb;
        wk__fail(g, WK_EINTERNAL, "%s: oneDNN refused to run images %lld..%lld of %lld (%lld→%lld channels, %lld×%lld, kernel %lld, stride %lld)",
                 wk_conv_map_name(map), (long long)(failed_at * nb), (long long)(failed_at * nb + n - 1), (long long)gm->N,
                 (long long)gm->C, (long long)gm->O, (long long)gm->H, (long long)gm->W, (long long)gm->k, (long long)gm->s);
    }
    wk__scratch_done(g);
    return 1;
}

static void conv_run(wk_graph *g, const geom *gm, conv_map map, const float *a, const float *w_or_gy,
                     const float *bias, float *out, int add) {
    const int64_t L = gm->Ho * gm->Wo, K = gm->C * gm->k * gm->k;
    conv_call cc = {.gm = gm, .map = map, .a = a, .w_or_gy = w_or_gy, .bias = bias, .out = out, .add = add};
    cc.nb = chunk_images(gm), cc.nchunks = (gm->N + cc.nb - 1) / cc.nb;
    const double work = (double)gm->O * (double)K * (double)(gm->N * L);
    if (onednn_run(g, gm, map, a, w_or_gy, bias, out, add, cc.nb, cc.nchunks, work)) return;
    /* CONV_WEIGHT with 128 columns or more: gw's columns in WEIGHT_PARTS parts (fewer for fewer
     * groups of kernel rows (c, i), each group's columns starting at a multiple of 16), the same
     * parts on one thread or many. OpenBLAS's sum for one column of a product depends on how the
     * product is cut (where the column falls in its register blocks), so parts chosen by the
     * thread count would change the last bits with it. gy is transposed once for all parts. */
    cc.group = weight_group(gm->k), cc.groups = (gm->C * gm->k + cc.group - 1) / cc.group;
    cc.nparts = cc.groups < WEIGHT_PARTS ? cc.groups : WEIGHT_PARTS;
    /* With fewer columns (a first layer's one input channel): each chunk's gw apart, the chunks
     * split over the team like the other maps', then summed in chunk order (small: O·K each). */
    cc.by_chunk = map == CONV_WEIGHT && K < 128, cc.by_part = map == CONV_WEIGHT && !cc.by_chunk;
    const int nt = conv_team(work, cc.by_part ? cc.nparts : cc.nchunks);
    /* per thread: its im2col rows (all K, or the most kernel rows a part has) and, but by_part,
     * onl [O, nb·L]; by_part shares gy transposed, [O, N·L] */
    cc.rows = cc.by_part ? ((cc.groups + cc.nparts - 1) / cc.nparts) * cc.group * gm->k : K;
    cc.per = (cc.rows + (cc.by_part ? 0 : gm->O)) * cc.nb * L;
    cc.buf = wk__scratch(g, cc.per * nt);
    cc.parts = cc.by_chunk ? wk__scratch(g, cc.nchunks * gm->O * K) : NULL;
    cc.gyt = cc.by_part ? wk__scratch(g, gm->O * gm->N * L) : NULL;
    if (!cc.buf || (cc.by_chunk && !cc.parts) || (cc.by_part && !cc.gyt)) { /* status set */
        wk__scratch_done(g);
        return;
    }
    if (nt == 1) conv_share(&cc, 0, 1, 1);
    else {
#pragma omp parallel num_threads(nt)
        conv_share(&cc, omp_get_thread_num(), omp_get_num_threads(), 0);
    }
    if (cc.by_chunk) sum_parts(cc.parts, cc.nchunks, gm->O * K, out, add, nt); /* gw (+)= the chunks' sums, in chunk order */
    wk__scratch_done(g);
}

static void conv_fwd(wk_graph *g, const geom *gm, const float *x, const float *w, const float *b, float *y, int add) {
    conv_run(g, gm, CONV_FWD, x, w, b, y, add);
}
static void conv_bwd_data(wk_graph *g, const geom *gm, const float *gy, const float *w, const float *b, float *x,
                          int add) {
    conv_run(g, gm, CONV_DATA, gy, w, b, x, add);
}
static void conv_bwd_weight(wk_graph *g, const geom *gm, const float *x, const float *gy, float *gw, int add) {
    conv_run(g, gm, CONV_WEIGHT, x, gy, NULL, gw, add);
}

/* Geometry saved on a node: iattr = {N, C, H, W, O, k, s, p}; Ho, Wo derived. */
static void save_geom(wk_var *v, const geom *gm) {
    int64_t a[8] = {gm->N, gm->C, gm->H, gm->W, gm->O, gm->k, gm->s, gm->p};
    for (int i = 0; i < 8; i++) v->iattr[i] = (int)a[i];
}
static geom load_geom(const wk_var *v) {
    geom gm = {v->iattr[0], v->iattr[1], v->iattr[2], v->iattr[3], v->iattr[4], v->iattr[5],
               v->iattr[6], v->iattr[7], 0, 0};
    gm.Ho = (gm.H + 2 * gm.p - gm.k) / gm.s + 1;
    gm.Wo = (gm.W + 2 * gm.p - gm.k) / gm.s + 1;
    return gm;
}

static wk_var *conv_node(wk_graph *g, wk_var *x, wk_var *w, wk_var *b, const geom *gm);
static wk_var *convT_node(wk_graph *g, wk_var *u, wk_var *w, wk_var *b, const geom *gm);
static wk_var *convW_node(wk_graph *g, wk_var *x, wk_var *gy, const geom *gm);

/* The channel bias of conv2d / conv_transpose2d, folded into their node as input 2: added to each
 * chunk's output images right after they are computed (bias_add, in conv_run: the same float
 * additions as a separate broadcast add, without its full-size output and gradient on the tape,
 * and while the chunk is in cache). Its gradient sums the output gradient over N and L; the
 * recorded one is that sum built from ops, so it differentiates again. */
static void bias_backward(wk_graph *g, wk_var *v, int64_t ch) {
    float *gb = v->n_in == 3 ? wk__gin(g, v, 2) : NULL;
    if (!gb) return;
    int64_t N = v->value.shape[0], L = v->value.numel / (N * ch);
#pragma omp parallel for if (N * ch * L > WK_PAR_MIN) /* each channel's sums in the order of one thread */
    for (int64_t c = 0; c < ch; c++)
        for (int64_t n = 0; n < N; n++) {
            const float *gr = v->grad + (n * ch + c) * L;
            float s = 0;
            for (int64_t l = 0; l < L; l++) s += gr[l];
            gb[c] += s;
        }
}
static void bias_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx, int64_t ch) {
    if (v->n_in == 3 && wk__wants(g, v, 2))
        dx[2] = wk_reshape(g, wk_sum_to(g, go, 4, (int64_t[]){1, ch, 1, 1}), 1, &ch);
}

/* conv: in = {x, w[, b]} */
static void conv_backward(wk_graph *g, wk_var *v) {
    geom gm = load_geom(v);
    int fx, fw; /* fresh gradient buffers are written, not added to (every element is) */
    float *gx = wk__gin_raw(g, v, 0, &fx), *gw = wk__gin_raw(g, v, 1, &fw);
    if (gx) conv_bwd_data(g, &gm, v->grad, v->in[1]->value.data, NULL, gx, !fx);
    if (gw) conv_bwd_weight(g, &gm, v->in[0]->value.data, v->grad, gw, !fw);
    bias_backward(g, v, gm.O);
}
static void conv_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    geom gm = load_geom(v);
    if (wk__wants(g, v, 0)) dx[0] = convT_node(g, go, v->in[1], NULL, &gm);
    if (wk__wants(g, v, 1)) dx[1] = convW_node(g, v->in[0], go, &gm);
    bias_vjp(g, v, go, dx, gm.O);
}
/* convT: in = {u, w[, b]}, u shaped like conv's output */
static void convT_backward(wk_graph *g, wk_var *v) {
    geom gm = load_geom(v);
    int fu, fw;
    float *gu = wk__gin_raw(g, v, 0, &fu), *gw = wk__gin_raw(g, v, 1, &fw);
    if (gu) conv_fwd(g, &gm, v->grad, v->in[1]->value.data, NULL, gu, !fu);
    if (gw) conv_bwd_weight(g, &gm, v->grad, v->in[0]->value.data, gw, !fw);
    bias_backward(g, v, gm.C);
}
static void convT_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    geom gm = load_geom(v);
    if (wk__wants(g, v, 0)) dx[0] = conv_node(g, go, v->in[1], NULL, &gm);
    if (wk__wants(g, v, 1)) dx[1] = convW_node(g, go, v->in[0], &gm);
    bias_vjp(g, v, go, dx, gm.C);
}
/* convW: in = {x, gy}, output shaped like w */
static void convW_backward(wk_graph *g, wk_var *v) {
    geom gm = load_geom(v);
    int fx, fy;
    float *gx = wk__gin_raw(g, v, 0, &fx), *ggy = wk__gin_raw(g, v, 1, &fy);
    if (gx) conv_bwd_data(g, &gm, v->in[1]->value.data, v->grad, NULL, gx, !fx);
    if (ggy) conv_fwd(g, &gm, v->in[0]->value.data, v->grad, NULL, ggy, !fy);
}
static void convW_vjp(wk_graph *g, wk_var *v, wk_var *go, wk_var **dx) {
    geom gm = load_geom(v);
    if (wk__wants(g, v, 0)) dx[0] = convT_node(g, v->in[1], go, NULL, &gm);
    if (wk__wants(g, v, 1)) dx[1] = conv_node(g, v->in[0], go, NULL, &gm);
}

static const wk_opdef conv_op = {"conv2d", conv_backward, conv_vjp};
static const wk_opdef convT_op = {"conv_transpose2d", convT_backward, convT_vjp};
static const wk_opdef convW_op = {"conv2d_weight_grad", convW_backward, convW_vjp};

static wk_var *conv_node(wk_graph *g, wk_var *x, wk_var *w, wk_var *b, const geom *gm) {
    if (!x || !w) return wk__null_input(g, "conv2d");
    wk_var *in[3] = {x, w, b};
    wk_var *v = wk__node(g, &conv_op, in, b ? 3 : 2, 4, (int64_t[]){gm->N, gm->O, gm->Ho, gm->Wo});
    if (!v) return NULL;
    save_geom(v, gm);
    conv_fwd(g, gm, x->value.data, w->value.data, b ? b->value.data : NULL, v->value.data, 0);
    return g->status ? NULL : v;
}
static wk_var *convT_node(wk_graph *g, wk_var *u, wk_var *w, wk_var *b, const geom *gm) {
    if (!u || !w) return wk__null_input(g, "conv_transpose2d");
    wk_var *in[3] = {u, w, b};
    wk_var *v = wk__node(g, &convT_op, in, b ? 3 : 2, 4, (int64_t[]){gm->N, gm->C, gm->H, gm->W});
    if (!v) return NULL;
    save_geom(v, gm);
    conv_bwd_data(g, gm, u->value.data, w->value.data, b ? b->value.data : NULL, v->value.data, 0);
    return g->status ? NULL : v;
}
static wk_var *convW_node(wk_graph *g, wk_var *x, wk_var *gy, const geom *gm) {
    if (!x || !gy) return wk__null_input(g, "conv2d_weight_grad");
    wk_var *in[2] = {x, gy};
    wk_var *v = wk__node(g, &convW_op, in, 2, 4, (int64_t[]){gm->O, gm->C, gm->k, gm->k});
    if (!v) return NULL;
    save_geom(v, gm);
    conv_bwd_weight(g, gm, x->value.data, gy->value.data, v->value.data, 0);
    return g->status ? NULL : v;
}

/* 0 (status set) for a bias that does not match the output channels. */
static int bias_fits(wk_graph *g, wk_var *b, int64_t channels, const char *op) {
    if (!b || b->value.numel == channels) return 1;
    wk__fail(g, WK_EINVAL, "%s: bias %s does not match %lld output channels", op, WK_SHAPE(b), (long long)channels);
    return 0;
}

wk_var *wk_conv2d(wk_graph *g, wk_var *x, wk_var *w, wk_var *b, int stride, int pad) {
    if (!x || !w) return wk__null_input(g, "conv2d");
    const wk_tensor *xv = &x->value, *wv = &w->value;
    if (xv->ndim != 4 || wv->ndim != 4 || wv->shape[1] != xv->shape[1] || wv->shape[2] != wv->shape[3] ||
        stride < 1 || pad < 0)
        return wk__fail(g, WK_EINVAL,
                        "conv2d: input %s and weight %s do not fit (want NCHW input, [out, in, k, k] weight, "
                        "stride >= 1, pad >= 0; got stride %d pad %d)",
                        WK_SHAPE(x), WK_SHAPE(w), stride, pad);
    geom gm = {xv->shape[0], xv->shape[1], xv->shape[2], xv->shape[3], wv->shape[0], wv->shape[2], stride, pad, 0, 0};
    if (gm.H + 2 * pad < gm.k || gm.W + 2 * pad < gm.k)
        return wk__fail(g, WK_EINVAL, "conv2d: kernel %lld larger than padded input %s", (long long)gm.k, WK_SHAPE(x));
    gm.Ho = (gm.H + 2 * pad - gm.k) / stride + 1;
    gm.Wo = (gm.W + 2 * pad - gm.k) / stride + 1;
    return bias_fits(g, b, gm.O, "conv2d") ? conv_node(g, x, w, b, &gm) : NULL;
}

wk_var *wk_conv_transpose2d(wk_graph *g, wk_var *x, wk_var *w, wk_var *b, int stride, int pad,
                            int output_padding) {
    if (!x || !w) return wk__null_input(g, "conv_transpose2d");
    const wk_tensor *xv = &x->value, *wv = &w->value;
    if (xv->ndim != 4 || wv->ndim != 4 || wv->shape[0] != xv->shape[1] || wv->shape[2] != wv->shape[3] ||
        stride < 1 || pad < 0 || output_padding < 0 || output_padding >= stride)
        return wk__fail(g, WK_EINVAL,
                        "conv_transpose2d: input %s and weight %s do not fit (want NCHW input, [in, out, k, k] "
                        "weight, stride >= 1, 0 <= output_padding < stride; got stride %d pad %d output_padding %d)",
                        WK_SHAPE(x), WK_SHAPE(w), stride, pad, output_padding);
    int64_t k = wv->shape[2];
    /* As the adjoint of a conv mapping [N, C_out, H, W] -> [N, C_in, Hin, Win]. */
    geom gm = {xv->shape[0], wv->shape[1], (xv->shape[2] - 1) * stride - 2 * pad + k + output_padding,
               (xv->shape[3] - 1) * stride - 2 * pad + k + output_padding, wv->shape[0], k, stride, pad,
               xv->shape[2], xv->shape[3]};
    if (gm.H < 1 || gm.W < 1)
        return wk__fail(g, WK_EINVAL, "conv_transpose2d: padding %d leaves an empty output for input %s", pad, WK_SHAPE(x));
    return bias_fits(g, b, gm.C, "conv_transpose2d") ? convT_node(g, x, w, b, &gm) : NULL;
}
