/* user_array.c — the one way a command reads an array file that the user named (sample --latent,
 * critic --input, metrics --real/--fake, w1's clouds and weights, classifier's images): through
 * the one loader (wk_read_array, io.h), whose readers refuse NaN/Inf in the stored values (float32,
 * or float64 for the _f64 form) naming the file, the row and the column. Such a value is bad input
 * like any other malformed content, so here it is WK_EFORMAT (the loader says WK_ENUMERIC, which
 * elsewhere means a computation went wrong); the caller maps every status with the plain
 * cli_exit_code: 2 for a missing, unreadable, malformed or non-finite file, 1 for what fails later. */
#include "cli/cli.h"
#include "wgankit/data.h"
#include "wgankit/error.h"
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
