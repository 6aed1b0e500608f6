/* say_scaled.c — the one stderr line that says how a data file was mapped before use: a file
 * compared with gen:RUN (nnd, birthday), critic --input, eval --data. The map is the run's kept
 * scaling (its units), the run's --scale re-decided on this file (a checkpoint older than kept
 * scalings: a guess, said even when it decides to keep the values), or another --scale the user
 * gave (eval). Invariant: a kept or user-chosen identity map says nothing (the values are used as
 * stored); every other map is said once, in one wording, whichever command applied it. */
#include <stdio.h>

#include "cli/cli.h"
#include "wgankit/source.h"

void cli_say_scaled(const char *cmd, const char *what, const wk_data_scale *map, cli_scale_origin origin) {
    if (origin != CLI_SCALE_REDECIDED && wk_data_scale_is_identity(map)) return;
    char how[256];
    wk_data_scale_describe(map, how, sizeof how);
    const char *by = origin == CLI_SCALE_KEPT ? "into the run's units by the scaling the run kept"
                     : origin == CLI_SCALE_REDECIDED
                         ? "into the run's units by the run's --scale re-decided on this file (its checkpoint predates kept scalings)"
                         : "by the --scale given, resolved on this file";
    fprintf(stderr, "wgankit %s: %s scaled %s: %s\n", cmd, what, by, how);
}

void cli_say_units(const char *cmd, const wk_source *s) {
    if (s->kind == WK_SOURCE_FILE && s->scale.n)
        cli_say_scaled(cmd, s->spec, &s->scale, s->scale_guessed ? CLI_SCALE_REDECIDED : CLI_SCALE_KEPT);
}
