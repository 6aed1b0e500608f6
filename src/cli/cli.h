/* cli.h — what the subcommand files share: their entry points and small flag helpers.
 * Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input. */
#ifndef WK_CLI_H
#define WK_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "wgankit/gan.h"
#include "wgankit/nnd.h"

#define X(name, fn, help) int fn(int argc, char **argv);
#include "cli/commands.def"
#undef X

/* Parse helpers: print "wgankit CMD: --flag: <why>" to stderr and return 0 on failure. */
int cli_parse_int(const char *cmd, const char *flag, const char *s, long long lo, long long hi, long long *out);
int cli_parse_double(const char *cmd, const char *flag, const char *s, double lo, double hi, double *out);
/* The same for the open interval (lo, hi): the message names that interval, so a value refused
 * for being an end and one refused for not being a number read alike. */
int cli_parse_double_open(const char *cmd, const char *flag, const char *s, double lo, double hi, double *out);
/* Returns the value following a flag (argv[++*i]) or prints "missing value" and returns NULL. */
const char *cli_value(const char *cmd, int argc, char **argv, int *i);

/* gan_flags.c: argv[*i] is a settings flag? 1 = applied (consumed its value), 0 = not a
 * setting, -1 = bad value (message printed). */
int cli_gan_flag(const char *cmd, int argc, char **argv, int *i, wk_gan_config *cfg);
/* Every setting flag with its help and default. */
void cli_gan_help(FILE *f);
/* The library names settings, never flags: "resuming R: data=grid: the run started on data=ring".
 * When `msg` (a library message) names a setting of the table as key=value, one more line on
 * stderr, "wgankit CMD: with flags: resuming R: --data grid: the run started on --data ring", so
 * the user reads which flag to change; nothing when it names none. */
void cli_say_flags(const char *cmd, const char *msg);
/* gan_flags.c: the one map from a library status to the exit code: 0 ok, 2 bad usage or bad
 * input (WK_EINVAL, WK_EFORMAT, and WK_EIO: a file named on the command line that cannot be
 * opened, read or written; WK_ENOFIT, work as asked that does not fit the memory limit; WK_ENOMEM
 * under such a limit, with a line saying so), 1 runtime failure (anything else, NaN/Inf from
 * training included). */
int cli_exit_code(int rc);
/* Whether two paths name one file (same inode, or the same resolved path when one is new). */
int cli_same_file(const char *a, const char *b);
/* paths[0..n_out) are outputs, the rest inputs (NULL: not given): 2 with a message naming both
 * flags when an output aliases another output or an input, else 0 (file_aliases.c). */
int cli_check_aliases(const char *cmd, int n, const char *const *flags, const char *const *paths, int n_out);
/* An output named by `flag` (NULL: not given) must end in one of exts (NULL-terminated, e.g.
 * {".npy", NULL}): else 2 with "wgankit CMD: FLAG PATH: the file name must end in .npy", else 0. */
int cli_check_extension(const char *cmd, const char *flag, const char *path, const char *const *exts);
/* An output directory the command will make (one mkdir) or write in: 2 with a message naming the
 * flag when it is not a directory, not writable, or its parent cannot take it; else 0. */
int cli_check_out_dir(const char *cmd, const char *flag, const char *dir);

/* user_array.c: read an array file the user named, by the one loader (io.h): as stored
 * (wk_read_array), as [rows, cols] points (wk_read_points) or as [N, sample...] samples
 * (wk_read_samples, data.h). NaN/Inf in it is WK_EFORMAT naming the file, row and column, so
 * every failure to read is bad input under cli_exit_code (exit 2). */
typedef enum { CLI_ARRAY_AS_STORED, CLI_ARRAY_POINTS, CLI_ARRAY_SAMPLES } cli_array_form;
int cli_read_user_array(const char *path, cli_array_form form, wk_tensor *out);
/* The same (AS_STORED or POINTS) for data used as stored in float32: point data is read in float64
 * and refused (WK_EFORMAT naming the file and column) when float32 merges a column's values
 * (wk_data_scale_apply's spread check on the identity map); byte files as cli_read_user_array. */
int cli_read_user_array_checked(const char *path, cli_array_form form, wk_tensor *out);
/* Samples with their float64 values from one read (wk_read_samples_f64, data.h). */
int cli_read_user_samples_f64(const char *path, wk_tensor *out, double **f64);
/* As stored (cli_read_user_array's CLI_ARRAY_AS_STORED) with the float64 values (wk_read_array_both). */
int cli_read_user_array_f64(const char *path, wk_tensor *out, double **f64);
/* The same as float64 points (wk_read_points_f64: *data freed with wk_free). */
int cli_read_user_points_f64(const char *path, double **data, int64_t *rows, int64_t *cols);
/* A vector the user named (weights: one number per point), in float64: stored as [n], [n, 1] or
 * [1, n]; any other shape is WK_EFORMAT naming the file and its shape. */
int cli_read_user_vector_f64(const char *path, double **data, int64_t *n);
/* WK_EINVAL "PATH: samples shaped [80, 3], the run's networks take samples of shape 2 (FLAG)" when
 * the rows of x [N, ...] (read from the file PATH given by FLAG) do not hold one sample of the
 * run's shape each: ndim dimensions in shape, as the trainer parsed them (wk_trainer_sample_shape,
 * or wk_gan_sample_shape before a trainer exists); WK_OK otherwise, and when ndim is 0. A 0-d x
 * (one number) is one point of one coordinate: WK_OK for a run of one value a sample, else
 * WK_EINVAL "PATH: a 0-d array (one number: ...) holds no sample of shape 2, ... (FLAG)". */
int cli_check_run_samples(const char *flag, const char *path, const wk_tensor *x, int ndim, const int64_t *shape);

/* rc of a call that read images with the range detected (auto: nonzero): when the library asked
 * which range the pixels are in ("... say which (the range: u8, 01 or pm1)"), its message gets
 * this command's flag, "; say it with --pixels u8, 01 or pm1". Returns rc. */
int cli_pixels_hint(int rc, int auto_range);

/* cmd_sweep.c: a command whose trainings run as sweep points (sweep, experiment). Without a
 * launcher: body(argc, argv, NULL), the local executor. Under mpirun/srun: MPI starts; rank 0
 * runs body with the MPI executor (dist.h), the other ranks serve its points until it is done;
 * MPI ends with the command. Returns the exit code. */
struct wk_sweep_executor;
int cli_on_ranks(const char *cmd, int argc, char **argv, int (*body)(int argc, char **argv, const struct wk_sweep_executor *mpi));

/* nnd_flags.c: a critic-class setting or d_NN fitting flag (--phi, --steps, --check-every,
 * --patience)? 1 = applied, 0 = not one, -1 = bad value (message printed). */
int cli_nnd_flag(const char *cmd, int argc, char **argv, int *i, wk_nnd_config *c);
void cli_nnd_help(FILE *f);
/* say_scaled.c: the one stderr line saying how a data file (`what`: its name, or its flag and
 * name) was mapped before use: by the scaling the run kept, by the run's --scale re-decided on
 * it (an older checkpoint: said even for an identity), or by a --scale the user gave. Nothing for
 * a kept or given identity. */
typedef enum { CLI_SCALE_KEPT, CLI_SCALE_REDECIDED, CLI_SCALE_GIVEN } cli_scale_origin;
void cli_say_scaled(const char *cmd, const char *what, const wk_data_scale *map, cli_scale_origin origin);
/* the same after a file source was compared with gen:RUN (wk_source_match_units) */
struct wk_source;
void cli_say_units(const char *cmd, const struct wk_source *s);

#endif
