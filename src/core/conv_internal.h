/* conv_internal.h — what ops_conv.c shares with conv_onednn.c: a convolution's geometry, its three
 * maps, and the oneDNN primitives that run one chunk of images of one map.
 *
 * Invariant: a primitive is made for one chunk shape (images a chunk, channels, sizes, kernel,
 * stride, padding) and runs single-threaded, whatever the caller's threads, so a map run chunk by
 * chunk gives the same bits on any number of threads (ops_conv.c splits the chunks over its team). */
#ifndef WK_CONV_INTERNAL_H
#define WK_CONV_INTERNAL_H

#include <stdint.h>

/* x [N, C, H, W] --conv (O filters of C×k×k, stride s, zero padding p)--> y [N, O, Ho, Wo] */
typedef struct {
    int64_t N, C, H, W, O, k, s, p, Ho, Wo;
} wk_conv_geom;

/* The three bilinear maps of a convolution (ops_conv.c's header says why three):
 *   CONV_FWD     y  = conv(x; w)
 *   CONV_DATA    x  = convT(gy; w)    the adjoint of conv in x
 *   CONV_WEIGHT  gw = convW(x, gy)    the adjoint of conv in w */
typedef enum { CONV_FWD, CONV_DATA, CONV_WEIGHT } wk_conv_map;

/* The op a map runs as, for messages. */
static inline const char *wk_conv_map_name(wk_conv_map m) {
    return m == CONV_FWD ? "conv2d" : m == CONV_DATA ? "conv_transpose2d" : "conv2d weight gradient";
}

typedef struct wk_conv_prim wk_conv_prim;

/* The oneDNN primitive for `map` on chunks of geometry `chunk` (chunk->N images each), made on
 * first use and kept for the process (thread-safe). NULL where this build has no oneDNN, where
 * libdnnl.so.2 does not open, where wk__conv_onednn turned it off, under an address-space limit
 * (ulimit -v / -d: oneDNN crashes when its kernel's code cannot be mapped; shapes made before the
 * limit was set stay on oneDNN), where oneDNN offers no JIT
 * kernel for the geometry on this CPU, where its right or bottom padding would be negative (a
 * size that the stride does not divide, with little padding), where its kernel is slower than
 * im2col + sgemm (CONV_DATA onto fewer than 16 channels: a first layer's input gradient, 11
 * GFLOP/s against 77 for the im2col path on a Zen 5), or once 1024 shapes are kept (a process
 * that has used that many shapes runs new ones by im2col, whose last bits differ); the caller
 * then takes the im2col path. */
const wk_conv_prim *wk__conv_prim(wk_conv_map map, const wk_conv_geom *chunk);

/* Floats of scratch one thread needs to run p on a chunk (its layouts' copies of the operands,
 * oneDNN's scratchpad). */
int64_t wk__conv_prim_scratch(const wk_conv_prim *p);
/* CONV_FWD and CONV_DATA: floats of the weights in the primitive's layout, and the copy of w
 * [O, C, k, k] into it (wb), made once a call and read by every chunk; scratch as for
 * wk__conv_prim_run. 0 on success, else WK_EINTERNAL with the message set. */
int64_t wk__conv_prim_weights_floats(const wk_conv_prim *p);
int wk__conv_prim_pack_weights(const wk_conv_prim *p, const float *w, float *wb, float *scratch);

/* One chunk, on the calling thread alone:
 *   CONV_FWD     a = x chunk [n, C, H, W],   b = wb (packed),  out (+)= y chunk [n, O, Ho, Wo]
 *   CONV_DATA    a = gy chunk [n, O, Ho, Wo], b = wb (packed), out (+)= x chunk [n, C, H, W]
 *   CONV_WEIGHT  a = x chunk, b = gy chunk,                    out (+)= gw [O, C, k, k]
 * add: out += the map's value (else out = it). scratch: wk__conv_prim_scratch(p) floats, 64-byte
 * aligned. 0 on success, else WK_EINTERNAL with the message set (oneDNN refused to run; the
 * message is the calling thread's). Allocates nothing once the primitive's run slots are made. */
int wk__conv_prim_run(const wk_conv_prim *p, const float *a, const float *b, float *out, int add, float *scratch);

/* Test hook: oneDNN on (1, the default where built in) or off (0); -1 only reads. Returns the
 * previous setting (0 where the build has no oneDNN). Process-wide: not to be changed while other
 * threads run convolutions. */
int wk__conv_onednn(int on);

#endif
