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

/* A setting's name as the library writes it (key=value): the key at a word's start (not inside a
 * spec such as ring:k=6 or a path), a name of the settings table, then '='. The value runs to the
 * next blank; a ';', ',', ':' or ')' ending it is the sentence's, not the value's. */
void cli_say_flags(const char *cmd, const char *msg) {
    if (!msg) return;
    char out[4096];
    size_t o = 0;
    int named = 0;
    for (const char *p = msg; *p && o + 1 < sizeof out;) {
        const char *k = p;
        int at_word = k == msg || strchr(" \t(\"'", k[-1]) != NULL;
        size_t kl = 0;
        while ((k[kl] >= 'a' && k[kl] <= 'z') || (k[kl] >= '0' && k[kl] <= '9') || k[kl] == '_') kl++;
        char key[64];
        /* a quoted value is a spec's option (ring: scale='0'), not the setting of that name */
        if (at_word && kl && kl < sizeof key && k[kl] == '=' && k[kl + 1] && k[kl + 1] != ' ' && k[kl + 1] != '\'') {
            memcpy(key, k, kl), key[kl] = 0;
            if (wk_gan_setting_find(key)) {
                const char *v = k + kl + 1, *e = v;
                while (*e && *e != ' ' && *e != '\t' && *e != '\n') e++;
                while (e > v + 1 && strchr(";,:)", e[-1])) e--;
                int w = snprintf(out + o, sizeof out - o, "--");
                for (size_t i = 0; i < kl && o + w + 1 < sizeof out; i++, w++) out[o + w] = key[i] == '_' ? '-' : key[i];
                if (o + w < sizeof out) w += snprintf(out + o + w, sizeof out - o - w, " %.*s", (int)(e - v), v);
                o += (size_t)w < sizeof out - o ? (size_t)w : sizeof out - o - 1;
                p = e, named = 1;
                continue;
            }
        }
        if (kl) { /* a word that is not a setting: copied whole, so its tail is not taken for one */
            size_t n = kl < sizeof out - 1 - o ? kl : sizeof out - 1 - o;
            memcpy(out + o, k, n), o += n, p += kl;
        } else out[o++] = *p++;
    }
    out[o] = 0;
    if (named) fprintf(stderr, "wgankit %s: with flags: %s\n", cmd, out);
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
