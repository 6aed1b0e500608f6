/* cli.h — what the subcommand files share: their entry points and small flag helpers.
 * Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input. */
#ifndef WK_CLI_H
#define WK_CLI_H

#include <stdint.h>

#define X(name, fn, help) int fn(int argc, char **argv);
#include "cli/commands.def"
#undef X

/* Parse helpers: print "wgankit CMD: --flag: <why>" to stderr and return 0 on failure. */
int cli_parse_int(const char *cmd, const char *flag, const char *s, long long lo, long long hi, long long *out);
int cli_parse_double(const char *cmd, const char *flag, const char *s, double lo, double hi, double *out);
/* Returns the value following a flag (argv[++*i]) or prints "missing value" and returns NULL. */
const char *cli_value(const char *cmd, int argc, char **argv, int *i);

#endif
