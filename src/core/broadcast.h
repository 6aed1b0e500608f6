/* broadcast.h — NumPy broadcasting shared by the element-wise binary ops and by sum_to /
 * broadcast_to: the output shape of two shapes, and per-input strides (0 along broadcast
 * axes) so one loop can walk the output and find each input's element. */
#ifndef WK_BROADCAST_H
#define WK_BROADCAST_H

#include "wgankit/tensor.h"

typedef struct {
    int ndim;
    int64_t shape[WK_MAX_DIMS];
    int64_t numel;
    int64_t stride_a[WK_MAX_DIMS], stride_b[WK_MAX_DIMS];
    /* Fast form, valid when `simple`: every input's non-broadcast axes form one contiguous
     * run of output axes (same shape, bias rows, [N,1] columns, [1,C,1,1] channels, scalars),
     * so its offset is (i / div) % mod. */
    int simple;
    int64_t div_a, mod_a, div_b, mod_b;
} wk_bcast;

/* 0 on success, -1 if the shapes do not broadcast. */
int wk_bcast_init(wk_bcast *bc, const wk_tensor *a, const wk_tensor *b);
/* Offsets of output element `i` (flat index) in a and b. */
static inline void wk_bcast_offsets(const wk_bcast *bc, int64_t i, int64_t *oa, int64_t *ob) {
    if (bc->simple) {
        *oa = (i / bc->div_a) % bc->mod_a;
        *ob = (i / bc->div_b) % bc->mod_b;
        return;
    }
    int64_t a = 0, b = 0;
    for (int d = bc->ndim - 1; d >= 0; d--) {
        int64_t s = bc->shape[d], k = i % s;
        i /= s;
        a += k * bc->stride_a[d];
        b += k * bc->stride_b[d];
    }
    *oa = a;
    *ob = b;
}

/* Row view: the output as [rows, inner] with inner = its last axis. Along a row each input
 * moves by 0 or 1, so loops compute offsets once per row and run a plain inner loop. */
static inline int64_t wk_bcast_inner(const wk_bcast *bc) { return bc->ndim ? bc->shape[bc->ndim - 1] : 1; }
static inline int64_t wk_bcast_inner_stride_a(const wk_bcast *bc) { return bc->ndim ? bc->stride_a[bc->ndim - 1] : 0; }
static inline int64_t wk_bcast_inner_stride_b(const wk_bcast *bc) { return bc->ndim ? bc->stride_b[bc->ndim - 1] : 0; }

#endif
