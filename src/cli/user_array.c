/* user_array.c — the one way a command reads an array file that the user named (sample --latent,
 * critic --input, metrics --real/--fake, w1's clouds and weights, classifier's images): through
 * the one loader (wk_read_array, io.h), whose readers refuse NaN/Inf in the stored values (float32,
 * or float64 for the _f64 form) naming the file, the row and the column. Such a value is bad input
 * like any other malformed content, so here it is WK_EFORMAT (the loader says WK_ENUMERIC, which
 * elsewhere means a computation went wrong); the caller maps every status with the plain
 * cli_exit_code: 2 for a missing, unreadable, malformed or non-finite file, 1 for what fails later. */
#include "cli/cli.h"
#include "wgankit/data.h"
#include "wgankit/gan.h"
#include "wgankit/error.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wgankit/io.h"

static int as_input(int rc) { return rc == WK_ENUMERIC ? WK_EFORMAT : rc; }

int cli_read_user_array(const char *path, cli_array_form form, wk_tensor *out) {
    int rc = form == CLI_ARRAY_POINTS ? wk_read_points(path, out) : form == CLI_ARRAY_SAMPLES ? wk_read_samples(path, out) : wk_read_array(path, out);
    return as_input(rc);
}

int cli_read_user_samples_f64(const char *path, wk_tensor *out, double **f64) {
    return as_input(wk_read_samples_f64(path, out, f64));
}

int cli_read_user_array_f64(const char *path, wk_tensor *out, double **f64) {
    return as_input(wk_read_array_both(path, out, f64));
}

int cli_read_user_points_f64(const char *path, double **data, int64_t *rows, int64_t *cols) {
    return as_input(wk_read_points_f64(path, data, rows, cols));
}

int cli_check_run_samples(const char *flag, const char *path, const wk_tensor *x, int ndim, const int64_t *shape) {
    if (ndim < 1) return WK_OK; /* nothing to compare with */
    int64_t per = 1; /* at most 2^30: the shape was parsed and bounded (wk_gan_sample_shape) */
    for (int i = 0; i < ndim; i++) per *= shape[i];
    char have[64], want[64];
    if (x->ndim == 0 && x->numel == 1) /* one number: one point of one coordinate (README), a sample only of a 1-value run */
        return per == 1 ? WK_OK
                        : wk_errorf(WK_EINVAL, "%s: a 0-d array (one number: one point of one coordinate) holds no sample of "
                                               "shape %s, which the run's networks take (%s)",
                                    path, wk_gan_sample_shape_str(ndim, shape, want, sizeof want), flag);
    if (x->ndim < 1 || x->shape[0] < 1) return WK_OK; /* nothing to compare (the callee says why; a synthetic --data: no rows) */
    if (x->numel / x->shape[0] == per) return WK_OK;
    return wk_errorf(WK_EINVAL, "%s: samples shaped %s, the run's networks take samples of shape %s (%s)", path,
                     wk_shape_str(x, have, sizeof have), wk_gan_sample_shape_str(ndim, shape, want, sizeof want), flag);
}

int cli_pixels_hint(int rc, int auto_range) {
    if (rc != WK_EINVAL || !auto_range || !strstr(wk_last_error(), "say which")) return rc;
    char why[1024]; /* a copy: the message is formatted into the slot it is read from */
    snprintf(why, sizeof why, "%s", wk_last_error());
    return wk_errorf(rc, "%s; say it with --pixels u8, 01 or pm1", why);
}

int cli_read_user_vector_f64(const char *path, double **data, int64_t *n) {
    wk_tensor shape;
    *data = NULL;
    int rc = as_input(wk_read_array_f64(path, &shape, data));
    if (rc) return rc;
    /* one number per point: [n], a column [n, 1] (one a line of text) or a row [1, n] (one line);
     * a table of several rows and columns is not a vector (a [25, 2] file read row-major as 50
     * weights was taken for 50 points) */
    int ok = shape.ndim <= 1 || (shape.ndim == 2 && (shape.shape[0] == 1 || shape.shape[1] == 1));
    if (!ok) {
        char have[64];
        wk_free(*data);
        *data = NULL;
        return wk_errorf(WK_EFORMAT, "%s: an array shaped %s is not a vector of weights (want [n], [n, 1] or [1, n])", path,
                         wk_shape_str(&shape, have, sizeof have));
    }
    *n = shape.numel;
    return WK_OK;
}

int cli_read_user_array_checked(const char *path, cli_array_form form, wk_tensor *out) {
    if (form == CLI_ARRAY_SAMPLES || wk_data_files_are_bytes(path)) return cli_read_user_array(path, form, out); /* exact or ranged in float32 */
    double *f64 = NULL;
    int rc = cli_read_user_array_f64(path, out, &f64);
    if (rc) return rc;
    /* the identity map with its float32 spread check: a column float32 merges is refused, naming
     * the file and the column, as `train --data` and every source compared as stored */
    rc = wk_data_scale_apply(wk_data_scale_as_stored(), out, f64, path, WK_SPREAD_ADVICE_STORED);
    wk_free(f64);
    if (!rc && form == CLI_ARRAY_POINTS) { /* [rows, prod(other dims)]; 1-D: [n, 1] (wk_read_points) */
        int64_t rows = out->ndim == 0 ? 1 : out->shape[0];
        rc = wk_tensor_set_shape(out, 2, (int64_t[]){rows, out->ndim <= 1 ? 1 : rows ? out->numel / rows : 0}); /* 0 rows: the caller says "empty" */
    }
    if (rc) wk_tensor_free(out);
    return rc;
}
