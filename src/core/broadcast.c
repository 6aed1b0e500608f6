/* broadcast.c — see broadcast.h. */
#include "core/broadcast.h"

static void strides_for(const wk_tensor *t, int ndim, const int64_t *out_shape, int64_t *st) {
    int off = ndim - t->ndim;
    int64_t s = 1;
    for (int d = ndim - 1; d >= 0; d--) {
        int64_t dim = d >= off ? t->shape[d - off] : 1;
        st[d] = (dim == 1 && out_shape[d] != 1) ? 0 : s;
        s *= dim;
    }
}

/* Does the input with strides `st` keep a contiguous run of output axes? Then fill div/mod. */
static int simple_form(const wk_bcast *bc, const int64_t *st, int64_t *div, int64_t *mod) {
    /* Walk the output axes of size > 1 only (size-1 axes index nothing): the input's kept
     * axes must be one unbroken run among them. */
    int state = 0; /* 0 before the run, 1 inside, 2 after */
    int64_t dv = 1, md = 1;
    for (int d = 0; d < bc->ndim; d++) {
        if (bc->shape[d] == 1) continue;
        int kept = st[d] != 0;
        if (kept) {
            if (state == 2) return 0;
            state = 1;
            md *= bc->shape[d];
        } else {
            if (state == 1) state = 2;
            if (state == 2) dv *= bc->shape[d];
        }
    }
    *div = dv;
    *mod = md;
    return 1;
}

int wk_bcast_init(wk_bcast *bc, const wk_tensor *a, const wk_tensor *b) {
    int nd = a->ndim > b->ndim ? a->ndim : b->ndim;
    bc->ndim = nd;
    bc->numel = 1;
    for (int d = 0; d < nd; d++) {
        int ia = d - (nd - a->ndim), ib = d - (nd - b->ndim);
        int64_t da = ia >= 0 ? a->shape[ia] : 1, db = ib >= 0 ? b->shape[ib] : 1;
        if (da != db && da != 1 && db != 1) return -1;
        bc->shape[d] = da == 1 ? db : da;
        bc->numel *= bc->shape[d];
    }
    strides_for(a, nd, bc->shape, bc->stride_a);
    strides_for(b, nd, bc->shape, bc->stride_b);
    bc->simple = simple_form(bc, bc->stride_a, &bc->div_a, &bc->mod_a) &&
                 simple_form(bc, bc->stride_b, &bc->div_b, &bc->mod_b);
    return 0;
}
