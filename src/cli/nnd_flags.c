/* nnd_flags.c — the flags `nnd` and `generalization` share: the critic class with train's
 * spelling (only the settings that define a critic and its optimizer; a generator setting is
 * refused rather than silently ignored) and the d_NN fitting knobs. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "wgankit/error.h"
#include "wgankit/source.h"

int cli_nnd_flag(const char *cmd, int argc, char **argv, int *i, wk_nnd_config *c) {
    const char *a = argv[*i], *v;
    long long n;
    if (!strcmp(a, "--phi")) {
        if (!(v = cli_value(cmd, argc, argv, i))) return -1;
        if (wk_nnd_phi_parse(v, &c->phi)) {
            fprintf(stderr, "wgankit %s: --phi: '%s' is not identity or log\n", cmd, v);
            return -1;
        }
        return 1;
    }
    if (!strcmp(a, "--steps") || !strcmp(a, "--check-every") || !strcmp(a, "--patience")) {
        if (!(v = cli_value(cmd, argc, argv, i)) || !cli_parse_int(cmd, a, v, !strcmp(a, "--patience") ? 0 : 1, 100000000, &n))
            return -1;
        if (!strcmp(a, "--steps")) c->steps = n;
        else if (!strcmp(a, "--check-every")) c->check_every = n;
        else c->patience = (int)n;
        return 1;
    }
    if (strncmp(a, "--", 2)) return 0;
    return wk_nnd_is_critic_setting(a + 2) ? cli_gan_flag(cmd, argc, argv, i, &c->critic) : 0;
}

void cli_nnd_help(FILE *f) {
    fprintf(f, "critic class (the flags of `wgankit train`, same defaults):\n");
    wk_gan_config d;
    wk_gan_config_default(&d);
    for (int k = 0; wk_nnd_critic_setting_at(k); k++) {
        const wk_gan_setting *s = wk_gan_setting_find(wk_nnd_critic_setting_at(k));
        char flag[64], def[64];
        snprintf(flag, sizeof flag, "--%s", s->name);
        for (char *p = flag; *p; p++) *p = *p == '_' ? '-' : *p;
        wk_gan_config_get(&d, s->name, def, sizeof def);
        fprintf(f, "  %-22s %s (default %s)\n", flag, s->help, !strcmp(s->name, "seed") ? "1" : def);
    }
    fprintf(f, "fitting:\n"
               "  --phi identity|log     measuring function: identity (IPM / WGAN, default) or log (GAN, sigmoid critic)\n"
               "  --steps N              most critic steps per fit (default 2000)\n"
               "  --check-every N        steps between held-out checks (default 100)\n"
               "  --patience P           stop after P checks without held-out improvement; 0 never (default 5)\n");
}
