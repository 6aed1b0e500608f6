/* cmd_nnd.c — `wgankit nnd A B`: the neural net distance d_{F,φ}(A, B) of Arora et al. (2017,
 * §3) between two sources (source.h), by a fresh critic of any `train` critic class fitted on
 * training halves and read on held-out halves (nnd.h). Exit 0 ok, 1 runtime failure, 2 bad
 * usage or bad input (the message names the argument). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "wgankit/error.h"
#include "wgankit/nnd.h"

static void usage(FILE *f) {
    fprintf(f, "usage: wgankit nnd A B [flags]\n\n"
               "Neural net distance d_F,phi(A, B) = sup_{D in F} E_A phi(D) + E_B phi(1 - D) - 2 phi(1/2) (Arora et al. 2017).\n"
               "A, B: sources: a data file (NPY, CSV, IDX/.gz, CIFAR-10 .bin), a synthetic target (ring,\n"
               "gaussian:dim=64,sigma=0.125, ...), gen:RUN_DIR / gen:PATH.safetensors or data:RUN_DIR (the run's data in\n"
               "its units). A file against gen:RUN is mapped into the run's units as training scaled its data (said on\n"
               "stderr). Sources hold float32 samples, the critic's precision (W1 too): centre float64 data with a\n"
               "large offset first, or use `wgankit w1`, which reads float64.\n"
               "Each side's m points are split into a training half (the critic is fitted there: nnd_train,\n"
               "biased upwards) and a held-out half (nnd_heldout, the honest estimate).\n\n"
               "  -m M                   points per side (default: every row of a file, 10000 from a population)\n"
               "  --repeats R            refits on other splits/draws and seeds: mean and standard error (default 1)\n"
               "  --w1                   also the exact W1 between the same held-out halves\n"
               "  --json                 print {nnd_train, nnd_heldout, se, repeats, m, steps, stopped, critic, ...}\n");
    cli_nnd_help(f);
}

int wk_cmd_nnd(int argc, char **argv) {
    wk_nnd_config c;
    wk_nnd_config_default(&c);
    const char *spec[2] = {NULL, NULL}, *v;
    int n_spec = 0, json = 0;
    long long n;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--json")) json = 1;
        else if (!strcmp(a, "--w1")) c.w1 = 1;
        else if (!strcmp(a, "-m") || !strcmp(a, "--repeats")) {
            if (!(v = cli_value("nnd", argc, argv, &i)) || !cli_parse_int("nnd", a, v, 2 - !strcmp(a, "--repeats"), 100000000, &n))
                return 2;
            if (!strcmp(a, "-m")) c.m = n;
            else c.repeats = (int)n;
        } else if ((r = cli_nnd_flag("nnd", argc, argv, &i, &c))) {
            if (r < 0) return 2;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "wgankit nnd: unknown flag '%s' (see wgankit nnd --help)\n", a);
            return 2;
        } else if (n_spec < 2) spec[n_spec++] = a;
        else {
            fprintf(stderr, "wgankit nnd: unexpected argument '%s' (two sources A B expected)\n", a);
            return 2;
        }
    }
    if (n_spec != 2) {
        fprintf(stderr, "wgankit nnd: two sources A B expected (see wgankit nnd --help)\n");
        return 2;
    }
    wk_source s[2];
    memset(s, 0, sizeof s);
    int rc = WK_OK;
    for (int k = 0; k < 2 && !rc; k++)
        if ((rc = wk_source_open_compared(&s[k], spec[k], spec[1 - k]))) fprintf(stderr, "wgankit nnd: %s: %s\n", k ? "B" : "A", wk_last_error());
    wk_nnd_result r;
    if (!rc && (rc = wk_nnd_estimate(&c, &s[0], &s[1], &r))) fprintf(stderr, "wgankit nnd: %s\n", wk_last_error());
    for (int k = 0; k < 2 && !rc; k++) cli_say_units("nnd", &s[k]); /* a file compared with gen:RUN: how it was mapped */
    if (!rc) {
        if (json) {
            wk_strbuf sb;
            wk_sb_init(&sb);
            wk_nnd_result_to_json(&c, &r, &sb);
            printf("%s\n", sb.data ? sb.data : "{}");
            wk_sb_free(&sb);
        } else {
            printf("nnd_heldout %.6g", r.nnd_heldout);
            if (isfinite(r.se)) printf(" +- %.3g (se over %d repeats)", r.se, r.repeats);
            printf("\nnnd_train   %.6g", r.nnd_train);
            if (isfinite(r.se_train)) printf(" +- %.3g", r.se_train);
            if (c.w1) printf("\nw1_heldout  %.6g", r.w1);
            printf("\nm %lld / %lld points (half for training), phi %s, critic %s depth %d width %lld (%lld parameters)\n"
                   "stopped: %d by patience, %d at --steps; %.0f steps on average\n",
                   (long long)r.m, (long long)r.m_b, wk_nnd_phi_name(c.phi), wk_lip_method_name(c.critic.critic), c.critic.critic_depth,
                   (long long)c.critic.critic_width, (long long)r.critic_params, r.stopped_patience, r.stopped_steps,
                   r.steps_mean);
        }
    }
    wk_source_close(&s[0]);
    wk_source_close(&s[1]);
    return rc ? cli_exit_code(rc) : 0;
}
