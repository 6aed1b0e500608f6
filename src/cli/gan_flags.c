/* gan_flags.c — the CLI face of the settings table (gan.h): every setting is a flag
 * "--name value" (underscores spelled as dashes), parsed, listed in --help and written to
 * config.json by the same table, so train, eval, sample and critic spell flags the same. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/self_memory.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"

int cli_gan_flag(const char *cmd, int argc, char **argv, int *i, wk_gan_config *cfg) {
    const char *a = argv[*i];
    if (strncmp(a, "--", 2) || !wk_gan_setting_find(a + 2)) return 0;
    const char *v = cli_value(cmd, argc, argv, i);
    if (!v) return -1;
    if (wk_gan_config_set(cfg, a + 2, v)) {
        fprintf(stderr, "wgankit %s: %s: %s\n", cmd, a, wk_last_error());
        return -1;
    }
    return 1;
}

void cli_gan_help(FILE *f) {
    wk_gan_config d;
    wk_gan_config_default(&d);
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_gan_config_help(&d, &sb);
    if (sb.data) fputs(sb.data, f);
    wk_sb_free(&sb);
}

/* Under a limit the user set (ulimit -v / -d), an allocation the limit refuses means the input
 * and the working memory it needs are too large for that limit: bad input (exit 2), as the
 * readers' own check (io/read_util.h) says of an input too large to read. A line of its own says
 * so: the commands print the library's message (what was being allocated, for which file) around
 * their call to cli_exit_code, before or after it. */
static int limited_memory(void) {
    const char *which;
    uint64_t lim;
    if (!wk_rlimit_set(&which, &lim)) return 0;
    fprintf(stderr, "wgankit: memory refused under the limit of %s, %llu bytes: the input and the working memory it needs "
                    "are too large for this limit\n", which, (unsigned long long)lim);
    return 1;
}

int cli_exit_code(int rc) {
    if (rc == WK_OK) return 0;
    if (rc == WK_ENOFIT) return 2; /* the work as asked does not fit the limit: the input's size, named by the library */
    if (rc == WK_ENOMEM && limited_memory()) return 2;
    return rc == WK_EINVAL || rc == WK_EFORMAT || rc == WK_EIO ? 2 : 1;
}
