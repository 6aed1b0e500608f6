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
/* Returns the value following a flag (argv[++*i]) or prints "missing value" and returns NULL. */
const char *cli_value(const char *cmd, int argc, char **argv, int *i);

/* gan_flags.c: argv[*i] is a settings flag? 1 = applied (consumed its value), 0 = not a
 * setting, -1 = bad value (message printed). */
int cli_gan_flag(const char *cmd, int argc, char **argv, int *i, wk_gan_config *cfg);
/* Every setting flag with its help and default. */
void cli_gan_help(FILE *f);
/* Library status -> exit code: bad input (invalid, malformed, unreadable/unwritable) 2, else 1. */
int cli_exit_code(int rc);

/* nnd_flags.c: a critic-class setting or d_NN fitting flag (--phi, --steps, --check-every,
 * --patience)? 1 = applied, 0 = not one, -1 = bad value (message printed). */
int cli_nnd_flag(const char *cmd, int argc, char **argv, int *i, wk_nnd_config *c);
void cli_nnd_help(FILE *f);

#endif
