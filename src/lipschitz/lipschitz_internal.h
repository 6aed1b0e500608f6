/* lipschitz_internal.h — what the files of the Lipschitz module share; not public API. */
#ifndef WK_LIPSCHITZ_INTERNAL_H
#define WK_LIPSCHITZ_INTERNAL_H

#include "wgankit/lipschitz.h"

/* spectral.c: `iters` power steps on w from the persistent u (rows floats, updated in place),
 * writing v (numel/rows floats); returns the σ estimate uᵀWv. scratch: rows + cols doubles. */
double wk__spectral_advance(const wk_tensor *w, float *u, float *v, int iters, double *scratch);

/* constraints.c: Biau et al.'s projection of every Linear layer (work: as many floats as the
 * widest layer has inputs); clipping of every parameter. */
int wk__project_biau(wk_model *m, float bias_bound, float *work);
int wk__clip_params(wk_model *m, float c);

#endif
