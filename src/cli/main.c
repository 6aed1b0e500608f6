/* main.c — `wgankit <command> [flags]`: dispatch to the subcommands listed in commands.def. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "io/read_util.h"
#include "wgankit/tensor.h"

typedef struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} command;

static const command commands[] = {
#define X(name, fn, help) {#name, fn, help},
#include "cli/commands.def"
#undef X
};

static void usage(FILE *f) {
    fprintf(f, "usage: wgankit <command> [flags]   (wgankit <command> --help for its flags)\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
}

int cli_parse_int(const char *cmd, const char *flag, const char *s, long long lo, long long hi, long long *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, "wgankit %s: %s: '%s' is not an integer in [%lld, %lld]\n", cmd, flag, s, lo, hi);
        return 0;
    }
    *out = v;
    return 1;
}

/* A decimal number in [lo, hi], or in (lo, hi) when open: one check and one message, which
 * states the interval as tested (a NaN or an end of an open interval is refused alike). */
static int parse_double(const char *cmd, const char *flag, const char *s, double lo, double hi, int open, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi || (open && (v == lo || v == hi)) ||
        wk_io_hex_text(s)) { /* decimal only */
        fprintf(stderr, "wgankit %s: %s: '%s' is not a number in %s%g, %g%s\n", cmd, flag, s, open ? "(" : "[", lo, hi,
                open ? ")" : "]");
        return 0;
    }
    *out = v;
    return 1;
}

int cli_parse_double(const char *cmd, const char *flag, const char *s, double lo, double hi, double *out) {
    return parse_double(cmd, flag, s, lo, hi, 0, out);
}

int cli_parse_double_open(const char *cmd, const char *flag, const char *s, double lo, double hi, double *out) {
    return parse_double(cmd, flag, s, lo, hi, 1, out);
}

const char *cli_value(const char *cmd, int argc, char **argv, int *i) {
    if (*i + 1 >= argc) {
        fprintf(stderr, "wgankit %s: %s needs a value\n", cmd, argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

/* Every command's results that go to stdout (CSV rows, JSON, report paths) are only delivered
 * once they reach the file: a write error there (a full disk: "No space left on device") is a
 * failure of the machine, exit 1 (README "Exit codes"), never a silent exit 0 with a truncated
 * result. Checked once here, for every command, after it returns: fflush writes what is still
 * buffered (glibc keeps the bytes of an earlier failed write and retries them, so errno names
 * the reason); ferror catches a failure that an earlier flush already met. */
static int finish_stdout(const char *cmd, int rc) {
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout)) return rc;
    fprintf(stderr, "wgankit%s%s: stdout: %s\n", cmd ? " " : "", cmd ? cmd : "", errno ? strerror(errno) : "write error");
    return rc ? rc : 1;
}

int main(int argc, char **argv) {
    wk_prefer_passive_wait(argv); /* see tensor.h: passive OpenMP waiting unless the user chose */
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return finish_stdout(NULL, argc < 2 ? 2 : 0);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return finish_stdout(argv[1], commands[i].fn(argc - 1, argv + 1));
    fprintf(stderr, "wgankit: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
