/* config.c — the one table of training settings. It drives CLI flags, --help, config.json,
 * config files and checkpoint metadata, so that a knob is spelled the same everywhere and every
 * recipe knob of the papers (/work/shared/papers) is a named setting: e.g. the authors' GroupSort
 * recipe of Biau et al. is reachable as --bjorck-reparam 1 --bjorck-iters 3 --beta2 0.5
 * --critic-clamp 100 --latent uniform --latent-dim 1. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "io/read_util.h"
#include "wgankit/critic.h"
#include "wgankit/dist.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"
#include "wgankit/json.h"

typedef struct {
    wk_gan_setting pub;
    size_t off, size;
    /* a string setting with choices is an enum field: choice i is stored as values[i] (i itself
     * when values is NULL), so the enum and the names need not share an order */
    const int *values;
} setting;

#define FV(field, values) offsetof(wk_gan_config, field), sizeof(((wk_gan_config *)0)->field), values
#define F(field) FV(field, NULL)
/* enum settings are read and written as int */
_Static_assert(sizeof(wk_lip_method) == sizeof(int) && sizeof(wk_optim_kind) == sizeof(int) && sizeof(wk_scale_kind) == sizeof(int),
               "enum settings are stored as int");
/* choice i of "bjorck|biau|spectral|clip|gp|none" and of "adam|rmsprop|sgd" */
static const int LIP_VALUES[] = {WK_LIP_BJORCK, WK_LIP_BIAU, WK_LIP_SPECTRAL, WK_LIP_CLIP, WK_LIP_GP, WK_LIP_NONE};
static const int OPT_VALUES[] = {WK_OPT_ADAM, WK_OPT_RMSPROP, WK_OPT_SGD};
#define BIG 9007199254740991.0
/* the largest double below 1: a range open at 1 (Adam's betas), printed as "[0, 1)" by range_str */
#define BELOW_1 0.99999999999999989

/* A float setting's range for messages: "[lo, hi]", or "[lo, u)" when hi is the double just below
 * a number u that prints exactly (an open upper end such as BELOW_1's). */
static const char *range_str(const wk_gan_setting *s, char *buf, size_t cap) {
    double up = nextafter(s->hi, INFINITY);
    char u[32];
    snprintf(u, sizeof u, "%g", up);
    if (strtod(u, NULL) == up && s->hi != up) snprintf(buf, cap, "[%g, %s)", s->lo, u);
    else snprintf(buf, cap, "[%g, %g]", s->lo, s->hi);
    return buf;
}

static const setting table[] = {
    {{"data", WK_SET_STRING, NULL, 0, 0, "synthetic target NAME[:key=value,...] (ring, grid, swissroll, gmm, gaussian, uniform-sphere, mixture1d) or data file(s): IDX(.gz), CIFAR-10 .bin, NPY, CSV; comma-separated files are concatenated"}, F(data)},
    {{"data_n", WK_SET_INT, NULL, 0, 1e8, "synthetic: size of a fixed training sample (0 = fresh draws every batch)"}, F(data_n)},
    {{"holdout", WK_SET_INT, NULL, 1, 1e7, "held-out real points for evaluation (a data file needs at least 2 and keeps at least half its rows for training: more is capped, said on the log and recorded)"}, F(holdout)},
    {{"scale", WK_SET_STRING, "auto|none|u8|minmax", 0, 0, "scaling of file data to [-1, 1], resolved once on the run's training data and kept in its checkpoint (every later file compared with the run is mapped by it). auto: u8 (x / 127.5 - 1) for byte data only - files stored as uint8 (NPY, IDX, CIFAR-10) or image-shaped samples holding integers 0..255 - and said on stderr; else none (an integer table keeps its units). minmax: per column of point data on the float64 values, as sklearn's MinMaxScaler (a constant column goes to -1), one range for all values of images; minmax data whose rows are all one point exits 2"}, F(scale)},
    {{"gen", WK_SET_STRING, "mlp|dcgan", 0, 0, "generator architecture"}, F(gen)},
    {{"gen_depth", WK_SET_INT, NULL, 0, 64, "generator hidden layers (Biau et al.'s p = depth + 1)"}, F(gen_depth)},
    {{"gen_width", WK_SET_INT, NULL, 1, 16384, "generator hidden width"}, F(gen_width)},
    {{"latent_dim", WK_SET_INT, NULL, 1, 65536, "latent dimension d"}, F(latent_dim)},
    {{"latent", WK_SET_STRING, "normal|uniform", 0, 0, "latent law: N(0, I) or U[-1, 1]^d"}, F(latent)},
    {{"gen_act", WK_SET_STRING, "relu|leaky_relu|tanh", 0, 0, "generator hidden activation"}, F(gen_act)},
    {{"gen_out", WK_SET_STRING, "auto|none|tanh", 0, 0, "generator output activation (auto: tanh for images)"}, F(gen_out)},
    {{"gen_bn", WK_SET_BOOL, NULL, 0, 1, "batch norm in the DCGAN generator"}, F(gen_bn)},
    {{"critic", WK_SET_STRING, "bjorck|biau|spectral|clip|gp|none", 0, 0, "critic class (Lipschitz method)"}, FV(critic, LIP_VALUES)},
    {{"critic_net", WK_SET_STRING, "mlp|dcgan", 0, 0, "critic architecture"}, F(critic_net)},
    {{"critic_depth", WK_SET_INT, NULL, 0, 64, "critic hidden layers (Biau et al.'s q = depth + 1)"}, F(critic_depth)},
    {{"critic_width", WK_SET_INT, NULL, 1, 16384, "critic hidden width"}, F(critic_width)},
    {{"critic_act", WK_SET_STRING, "auto|groupsort|relu|leaky_relu", 0, 0, "critic activation (auto: groupsort for bjorck/biau, else relu)"}, F(critic_act)},
    {{"groupsort_k", WK_SET_INT, NULL, 2, 1 << 16, "GroupSort group size (2 = MaxMin)"}, F(groupsort_k)},
    {{"critic_clamp", WK_SET_FLOAT, NULL, 0, 1e30, "clamp critic outputs to [-c, c] (0 = off; the authors use 100)"}, F(critic_clamp)},
    {{"critic_norm", WK_SET_STRING, "none|batch|layer", 0, 0, "normalisation in the DCGAN critic"}, F(critic_norm)},
    {{"dcgan_width", WK_SET_INT, NULL, 1, 4096, "DCGAN base channel count"}, F(dcgan_width)},
    {{"init", WK_SET_STRING, "default|normal", 0, 0, "weight init: PyTorch default or N(0, init_std) (DCGAN)"}, F(init)},
    {{"init_std", WK_SET_FLOAT, NULL, 0, 10, "std of the normal init"}, F(init_std)},
    {{"bjorck_iters", WK_SET_INT, NULL, 0, 1000, "Björck iterations per projection / forward pass"}, F(bjorck_iters)},
    {{"bjorck_final_iters", WK_SET_INT, NULL, 0, 10000, "Björck iterations of the final projection"}, F(bjorck_final_iters)},
    {{"bjorck_reparam", WK_SET_BOOL, NULL, 0, 1, "Björck inside the forward pass (authors' code) instead of projecting after each step"}, F(bjorck_reparam)},
    {{"bjorck_tol", WK_SET_FLOAT, NULL, 0, 1, "Björck projection: stop early once max|W^T W - I| <= tol (0 = always bjorck_iters)"}, F(bjorck_tol)},
    {{"export_orthonormal", WK_SET_INT, NULL, -1, 1, "Björck critics: at the last step also store the forward-pass weights orthonormalised with bjorck_final_iters (critic_orthonormal.*), so a plain forward pass from the file is 1-Lipschitz; -1 = on for projection, off for --bjorck-reparam 1"}, F(export_orthonormal)},
    {{"bjorck_beta", WK_SET_FLOAT, NULL, 0, 1, "Björck step beta"}, F(bjorck_beta)},
    {{"sn_iters", WK_SET_INT, NULL, 1, 100, "spectral norm power iterations per step"}, F(sn_iters)},
    {{"clip", WK_SET_FLOAT, NULL, 0, 1e6, "weight clipping bound c"}, F(clip)},
    {{"gp_lambda", WK_SET_FLOAT, NULL, 0, 1e6, "gradient penalty weight lambda"}, F(gp_lambda)},
    {{"gp_one_sided", WK_SET_BOOL, NULL, 0, 1, "one-sided penalty max(0, |g|-1)^2 (Petzka et al. 2018)"}, F(gp_one_sided)},
    {{"bias_bound", WK_SET_FLOAT, NULL, 0, 1e30, "Biau constraints: |bias| bound"}, F(bias_bound)},
    {{"loss", WK_SET_STRING, "wgan|minimax|ns|hinge", 0, 0, "loss"}, F(loss)},
    {{"batch", WK_SET_INT, NULL, 1, 65536, "batch size"}, F(batch)},
    {{"n_critic", WK_SET_INT, NULL, 1, 1000, "critic steps per generator step"}, F(n_critic)},
    {{"steps", WK_SET_INT, NULL, 0, 1e9, "generator steps"}, F(steps)},
    {{"opt_g", WK_SET_STRING, "adam|rmsprop|sgd", 0, 0, "generator optimizer"}, FV(opt_g, OPT_VALUES)},
    {{"opt_d", WK_SET_STRING, "adam|rmsprop|sgd", 0, 0, "critic optimizer"}, FV(opt_d, OPT_VALUES)},
    {{"lr_g", WK_SET_FLOAT, NULL, 0, 10, "generator learning rate"}, F(lr_g)},
    {{"lr_d", WK_SET_FLOAT, NULL, 0, 10, "critic learning rate"}, F(lr_d)},
    {{"lr_decay", WK_SET_STRING, "none|linear", 0, 0, "learning-rate schedule: constant, or linear to 0 at the last step (WGAN-GP's CIFAR code; a --resume that changes --steps then follows the new total from the resume on: not one long run)"}, F(lr_decay)},
    {{"beta1", WK_SET_FLOAT, NULL, 0, BELOW_1, "Adam beta1 (both optimizers), in [0, 1)"}, F(beta1)},
    {{"beta2", WK_SET_FLOAT, NULL, 0, BELOW_1, "Adam beta2 (both; the authors' GroupSort code uses 0.5), in [0, 1)"}, F(beta2)},
    {{"eps", WK_SET_FLOAT, NULL, 0, 1, "optimizer epsilon"}, F(eps)},
    {{"momentum", WK_SET_FLOAT, NULL, 0, 1, "SGD/RMSProp momentum"}, F(momentum)},
    {{"ema", WK_SET_FLOAT, NULL, 0, 0.999999, "EMA decay of generator weights (0 = off)"}, F(ema)},
    {{"mix", WK_SET_INT, NULL, 1, WK_MIX_MAX, "MIX+GAN: T generators and T critics with trainable mixture weights (1 = a single GAN; Arora et al. use 5)"}, F(mix)},
    {{"mix_entropy", WK_SET_FLOAT, NULL, 0, 1e6, "MIX+GAN: weight lambda of the regulariser -(1/T) sum log(w + 1e-6) on both mixture weights"}, F(mix_entropy)},
    {{"mix_budget", WK_SET_STRING, "full|same", 0, 0, "MIX+GAN: full-size components, or widths scaled so the mixture has about the single model's parameter count (a warning says when small widths cannot: each component keeps its input/output layers)"}, F(mix_budget)},
    {{"data_parallel", WK_SET_BOOL, NULL, 0, 1, "data-parallel training on the ranks of mpirun -np K / srun (needs an MPI build): each rank computes batch/K rows, the gradients are averaged by one MPI all-reduce per update, rank 0 writes the run"}, F(data_parallel)},
    {{"resume_data_changed", WK_SET_BOOL, NULL, 0, 1, "train --resume: continue although the training data differ from those the run started with (the checkpoint's data fingerprint); the new data's fingerprint is recorded from then on"}, F(resume_data_changed)},
    {{"data_shards", WK_SET_INT, NULL, 1, 4096, "the batch is drawn as this many equal shards, each from its own stream (set to K by --data-parallel; a single process with --data-shards K draws what K ranks draw)"}, F(data_shards)},
    {{"dist_timeout", WK_SET_FLOAT, NULL, 1, 1e6, "data-parallel: seconds a rank waits for the others at an all-reduce before it stops the job (a rank died or hangs)"}, F(dist_timeout)},
    {{"seed", WK_SET_INT, NULL, 0, BIG, "random seed (same seed + build + threads = same weights)"}, F(seed)},
    {{"threads", WK_SET_INT, NULL, 0, 64, "compute threads (0 = all cores; at most 64, OpenBLAS's own limit: more hangs it)"}, F(threads)},
    {{"out", WK_SET_STRING, NULL, 0, 0, "run directory"}, F(out)},
    {{"eval_every", WK_SET_INT, NULL, 0, 1e9, "generator steps between evaluations (0 = at the end only)"}, F(eval_every)},
    {{"eval_n", WK_SET_INT, NULL, 2, 200000, "generated samples per evaluation (exact W1 against min(holdout, eval_n) held-out points: a side of at most 64 points against 64 times as many is quick, e.g. --holdout 10 and --eval-n 200000 about 1 s; between that and equal sides the time grows about as the square of the larger side, e.g. --holdout 100 and --eval-n 200000 minutes an evaluation)"}, F(eval_n)},
    {{"eval_metrics", WK_SET_STRING, NULL, 0, 0, "image metrics at every evaluation: fd,kid,is,pr,dc, all, none, or auto (all for 28x28 grey images with the shipped Fashion-MNIST network)"}, F(eval_metrics)},
    {{"eval_features", WK_SET_STRING, NULL, 0, 0, "feature network of the image metrics (empty: models/fashion-mnist-lenet.safetensors)"}, F(eval_features)},
    {{"eval_real", WK_SET_STRING, NULL, 0, 0, "real samples the --eval-metrics compare with, images or points of the run's sample shape (empty: the held-out split); read and checked before training"}, F(eval_real)},
    {{"checkpoint_every", WK_SET_INT, NULL, 0, 1e9, "generator steps between checkpoints (0 = at the end only)"}, F(checkpoint_every)},
    {{"keep_checkpoints", WK_SET_INT, "N|all", -1, 1e6, "also keep each checkpoint as checkpoints/step-XXXXXX.safetensors: the N newest (all or -1 = every one, 0 = none)"}, F(keep_checkpoints)},
    {{"lip_pairs", WK_SET_INT, NULL, 0, 1e7, "point pairs for the Lipschitz report"}, F(lip_pairs)},
    {{"track_generalization", WK_SET_BOOL, NULL, 0, 1, "also log W1 and d_D against the training sample and the held-out sample at each evaluation (needs a data file or data_n > 0)"}, F(track_generalization)},
    {{"progress", WK_SET_INT, NULL, -1, 1, "progress line: -1 auto (TTY), 0 plain lines, 1 updating line"}, F(progress)},
    {{"sample_shape", WK_SET_STRING, NULL, 0, 0, "one sample's shape, resolved from the data (e.g. 2 or 1x28x28)"}, F(sample_shape)},
};
#define N_SETTINGS ((int)(sizeof table / sizeof table[0]))

/* A float default (the Lipschitz module's settings are float) as the decimal it stands for,
 * so config.json and --help show 1e-06 rather than 9.9999999747524271e-07. */
static double float_decimal(float f) {
    char buf[32];
    snprintf(buf, sizeof buf, "%.7g", f);
    return strtod(buf, NULL);
}

void wk_gan_config_default(wk_gan_config *c) {
    memset(c, 0, sizeof *c);
    strcpy(c->data, "ring");
    c->holdout = 2000;
    c->scale = WK_SCALE_AUTO;
    c->gen = WK_NET_MLP;
    c->gen_depth = 3;
    c->gen_width = 128; /* 64 dropped modes on 1 seed in 5 (seed 4: 6/8); 128 covers 8/8 on seeds 0-4 */
    c->latent_dim = 2;
    c->latent = WK_LATENT_NORMAL;
    c->gen_act = WK_GEN_ACT_RELU;
    c->gen_out = WK_GEN_OUT_AUTO;
    c->gen_bn = 1;
    c->critic = WK_LIP_BJORCK;
    c->critic_net = WK_NET_MLP;
    c->critic_depth = 3;
    c->critic_width = 64;
    c->critic_act = WK_CRITIC_ACT_AUTO;
    c->groupsort_k = 2;
    c->critic_norm = WK_CRITIC_NORM_NONE;
    c->dcgan_width = 64;
    c->init = WK_INIT_DEFAULT;
    c->init_std = 0.02;
    wk_lipschitz_config l = wk_lipschitz_defaults(WK_LIP_BJORCK);
    c->bjorck_iters = l.bjorck_iters;
    c->bjorck_final_iters = l.bjorck_final_iters;
    c->bjorck_beta = float_decimal(l.bjorck_beta);
    c->bjorck_reparam = 0;
    c->export_orthonormal = -1;
    c->bjorck_tol = float_decimal(l.bjorck_tol);
    c->sn_iters = 1;
    c->clip = 0.01;
    c->gp_lambda = 0.1; /* WGAN-GP toy value; use 10 for images */
    c->bias_bound = 1e3;
    c->loss = WK_LOSS_WGAN;
    c->batch = 512; /* with gen_width 128: 8/8 modes and W1 within 0.04 of the floor on seeds 0-4 (256: seed 0 0.043) */
    c->n_critic = 5;
    c->steps = 4000;
    c->opt_g = WK_OPT_ADAM;
    c->opt_d = WK_OPT_ADAM;
    c->lr_g = c->lr_d = 2e-4; /* with width 64 and 4,000 steps: the demo's acceptance figures in < 60 s */
    c->lr_decay = WK_LR_DECAY_NONE;
    c->beta1 = 0.5;
    c->beta2 = 0.9;
    c->eps = 1e-8;
    c->ema = 0.99; /* evaluate/sample an EMA of the generator (Yazici et al. 2019): steadier end points */
    c->mix = 1;
    c->mix_entropy = 0.1; /* the authors' mix_entloss_weight */
    c->mix_budget = WK_MIX_BUDGET_FULL;
    c->seed = 0;
    c->data_shards = 1;
    c->dist_timeout = WK_DIST_TIMEOUT_DEFAULT;
    c->threads = 2;
    strcpy(c->out, "runs/demo");
    c->eval_every = 1000;
    c->eval_n = 2000;
    c->checkpoint_every = 1000;
    strcpy(c->eval_metrics, "auto");
    c->lip_pairs = 2000;
    c->keep_checkpoints = 0;
    c->progress = -1;
}

int wk_gan_setting_count(void) { return N_SETTINGS; }
const wk_gan_setting *wk_gan_setting_at(int i) { return i >= 0 && i < N_SETTINGS ? &table[i].pub : NULL; }

static const setting *find(const char *name) {
    for (int i = 0; i < N_SETTINGS; i++) {
        const char *a = table[i].pub.name, *b = name;
        while (*a && (*a == *b || (*a == '_' && *b == '-'))) a++, b++;
        if (!*a && !*b) return &table[i];
    }
    return NULL;
}

const wk_gan_setting *wk_gan_setting_find(const char *name) {
    const setting *s = find(name);
    return s ? &s->pub : NULL;
}

/* The index of v among "a|b|c", or -1. */
static int choice_index(const char *choices, const char *v) {
    size_t n = strlen(v);
    int i = 0;
    for (const char *p = choices; p && *p; i++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && !strncmp(p, v, n)) return i;
        p = bar ? bar + 1 : NULL;
    }
    return -1;
}

static int is_enum(const setting *s) { return s->pub.type == WK_SET_STRING && s->pub.choices; }

/* The name of an enum setting's stored value (buf, n bytes); 0 when it is none of the choices
 * (the C API can store any int). */
static int enum_name(const setting *s, const wk_gan_config *c, char *buf, size_t n) {
    int v = *(const int *)((const char *)c + s->off), i = 0;
    for (const char *p = s->pub.choices; *p; i++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if ((s->values ? s->values[i] : i) == v) {
            snprintf(buf, n, "%.*s", (int)len, p);
            return 1;
        }
        if (!bar) break;
        p = bar + 1;
    }
    snprintf(buf, n, "?");
    return 0;
}

int wk_gan_config_set(wk_gan_config *c, const char *name, const char *value) {
    const setting *s = find(name);
    if (!s) return wk_errorf(WK_EINVAL, "unknown setting '%s'", name);
    char *p = (char *)c + s->off, *end;
    errno = 0;
    switch (s->pub.type) {
    case WK_SET_STRING:
        if (is_enum(s)) {
            int i = choice_index(s->pub.choices, value);
            if (i < 0) return wk_errorf(WK_EINVAL, "%s: '%s' is not one of %s", s->pub.name, value, s->pub.choices);
            *(int *)p = s->values ? s->values[i] : i;
            return WK_OK;
        }
        if (strlen(value) >= s->size) return wk_errorf(WK_EINVAL, "%s: value too long (max %zu)", s->pub.name, s->size - 1);
        strcpy(p, value);
        return WK_OK;
    case WK_SET_FLOAT: {
        double v = strtod(value, &end);
        if (errno || end == value || *end || !isfinite(v) || v < s->pub.lo || v > s->pub.hi || wk_io_hex_text(value))
            return wk_errorf(WK_EINVAL, "%s: '%s' is not a number in %s", s->pub.name, value, range_str(&s->pub, (char[64]){0}, 64));
        *(double *)p = v;
        return WK_OK;
    }
    case WK_SET_INT:
    case WK_SET_BOOL: {
        if (s->pub.choices && !strcmp(value, "all")) value = "-1"; /* N|all: -1 stands for all */
        long long v = strtoll(value, &end, 10);
        if (s->pub.type == WK_SET_BOOL && (!strcmp(value, "true") || !strcmp(value, "false")))
            v = value[0] == 't', end = (char *)value + strlen(value);
        if (errno || end == value || *end || v < s->pub.lo || v > s->pub.hi)
            return wk_errorf(WK_EINVAL, "%s: '%s' is not an integer in [%.0f, %.0f]", s->pub.name, value, s->pub.lo,
                             s->pub.hi);
        if (s->size == sizeof(int)) *(int *)p = (int)v;
        else *(int64_t *)p = v;
        return WK_OK;
    }
    }
    return WK_EINVAL;
}

void wk_gan_config_get(const wk_gan_config *c, const char *name, char *buf, size_t n) {
    const setting *s = find(name);
    buf[0] = 0;
    if (!s) return;
    const char *p = (const char *)c + s->off;
    switch (s->pub.type) {
    case WK_SET_STRING:
        if (is_enum(s)) enum_name(s, c, buf, n);
        else snprintf(buf, n, "%s", p);
        break;
    case WK_SET_FLOAT: { /* the shortest form that reads back to the same double */
        double v = *(const double *)p;
        for (int digits = 6; digits <= 17; digits++) {
            snprintf(buf, n, "%.*g", digits, v);
            if (strtod(buf, NULL) == v) break;
        }
        break;
    }
    default: snprintf(buf, n, "%lld", s->size == sizeof(int) ? (long long)*(const int *)p : (long long)*(const int64_t *)p);
    }
}

void wk_gan_config_to_json(const wk_gan_config *c, wk_strbuf *sb) {
    wk_gan_config def;
    wk_gan_config_default(&def);
    /* A single GAN with the default MIX+GAN settings leaves them out, so its checkpoints stay
     * readable by builds from before MIX+GAN (which refuse unknown settings); absent, they
     * read back as those defaults. */
    int plain = c->mix == 1 && c->mix_entropy == def.mix_entropy && c->mix_budget == def.mix_budget;
    wk_sb_putc(sb, '{');
    for (int i = 0; i < N_SETTINGS; i++) {
        const setting *s = &table[i];
        const char *p = (const char *)c + s->off;
        if (plain && !strncmp(s->pub.name, "mix", 3)) continue;
        if (s->off == offsetof(wk_gan_config, resume_data_changed) && !c->resume_data_changed) continue; /* a one-off choice */
        wk_json_key(sb, s->pub.name);
        char name[32];
        switch (s->pub.type) {
        case WK_SET_STRING:
            if (is_enum(s)) enum_name(s, c, name, sizeof name), p = name;
            wk_json_string(sb, p);
            break;
        case WK_SET_FLOAT: wk_json_double(sb, *(const double *)p); break;
        default: wk_json_int(sb, s->size == sizeof(int) ? *(const int *)p : *(const int64_t *)p);
        }
    }
    wk_sb_putc(sb, '}');
}

int wk_gan_config_apply_json(wk_gan_config *c, const wk_json *obj, const char *source) {
    if (!obj || obj->type != WK_JSON_OBJECT) return wk_errorf(WK_EFORMAT, "%s: expected a JSON object of settings", source);
    for (size_t i = 0; i < obj->count; i++) {
        const wk_json *v = obj->items[i];
        const setting *s = find(obj->keys[i]);
        if (!s) return wk_errorf(WK_EINVAL, "%s:%d: unknown setting '%s'", source, v->line, obj->keys[i]);
        /* The JSON type must fit the setting's: true for steps read as 1 and false for threads as
         * 0 (all cores), a number for a string setting passed as text, and a string holding \u0000
         * was cut at the NUL ("ring\u0000x" became "ring"). Strings stay allowed for numbers
         * ("all", "1e-4"): the text parser checks them. */
        char buf[WK_GAN_STR];
        if (v->type == WK_JSON_STRING) {
            if (strlen(v->string) != v->string_len)
                return wk_errorf(WK_EFORMAT, "%s:%d: setting '%s': the string holds a NUL character", source, v->line,
                                 obj->keys[i]);
            if (v->string_len >= sizeof buf)
                return wk_errorf(WK_EFORMAT, "%s:%d: setting '%s': value too long (max %zu)", source, v->line,
                                 obj->keys[i], sizeof buf - 1);
            snprintf(buf, sizeof buf, "%s", v->string);
        } else if (v->type == WK_JSON_NUMBER && (s->pub.type == WK_SET_INT || s->pub.type == WK_SET_BOOL)) {
            /* from the literal, exactly: jansson's double would show 9007199254740993 as ...992 and
             * take 1.0000000000000001 for 1 */
            if (wk_json_integer_text(v, buf, sizeof buf))
                return wk_error_context(WK_EFORMAT, "%s:%d: setting '%s'", source, v->line, obj->keys[i]);
        } else if (v->type == WK_JSON_NUMBER && s->pub.type != WK_SET_STRING) {
            snprintf(buf, sizeof buf, "%.17g", v->number);
        } else if (v->type == WK_JSON_BOOL && s->pub.type == WK_SET_BOOL) {
            snprintf(buf, sizeof buf, "%d", v->boolean);
        } else {
            const char *want = s->pub.type == WK_SET_STRING ? "a string"
                               : s->pub.type == WK_SET_BOOL ? "a boolean or 0/1"
                                                            : "a number";
            const char *got = v->type == WK_JSON_BOOL ? "a boolean" : v->type == WK_JSON_NUMBER ? "a number"
                              : v->type == WK_JSON_NULL                                      ? "null"
                                                                                               : "an array or object";
            return wk_errorf(WK_EFORMAT, "%s:%d: setting '%s' must be %s, not %s", source, v->line, obj->keys[i], want, got);
        }
        int rc = wk_gan_config_set(c, obj->keys[i], buf);
        if (rc) return wk_error_context(WK_EINVAL, "%s:%d", source, v->line);
    }
    return WK_OK;
}

int wk_gan_config_load_file(wk_gan_config *c, const char *path) {
    wk_json *root;
    int rc = wk_json_parse_file(path, &root);
    if (rc) return rc;
    rc = wk_gan_config_apply_json(c, root, path);
    wk_json_free(root);
    return rc;
}

int wk_gan_config_validate(const wk_gan_config *c) {
    unsigned metrics;
    for (int i = 0; i < N_SETTINGS; i++) { /* the C API can store any int in an enum field */
        char name[32];
        if (is_enum(&table[i]) && !enum_name(&table[i], c, name, sizeof name))
            return wk_errorf(WK_EINVAL, "%s: %d is not one of %s", table[i].pub.name, *(const int *)((const char *)c + table[i].off),
                             table[i].pub.choices);
    }
    /* every number against its setting's range, the one that wk_gan_config_set enforces: the C
     * API and the Python binding can store any value in the struct */
    for (int i = 0; i < N_SETTINGS; i++) {
        const setting *s = &table[i];
        const char *p = (const char *)c + s->off;
        if (s->pub.type == WK_SET_FLOAT) {
            double v = *(const double *)p;
            if (!(isfinite(v) && v >= s->pub.lo && v <= s->pub.hi))
                return wk_errorf(WK_EINVAL, "%s: %g is not a number in %s", s->pub.name, v, range_str(&s->pub, (char[64]){0}, 64));
        } else if (s->pub.type == WK_SET_INT || s->pub.type == WK_SET_BOOL) {
            long long v = s->size == sizeof(int) ? *(const int *)p : (long long)*(const int64_t *)p;
            if (v < s->pub.lo || v > s->pub.hi)
                return wk_errorf(WK_EINVAL, "%s: %lld is not an integer in [%.0f, %.0f]", s->pub.name, v, s->pub.lo, s->pub.hi);
        }
    }
    if (strcmp(c->eval_metrics, "auto") && strcmp(c->eval_metrics, "none") && c->eval_metrics[0] &&
        wk_metric_set_parse(c->eval_metrics, &metrics))
        return wk_error_context(WK_EINVAL, "eval_metrics");
    if (c->critic == WK_LIP_GP && c->critic_norm == WK_CRITIC_NORM_BATCH)
        return wk_errorf(WK_EINVAL, "critic_norm batch is invalid with a gradient penalty (Gulrajani et al. 2017): use layer or none");
    if (wk_gan_critic_act(c) == WK_ACT_GROUPSORT)
        if (c->critic_net == WK_NET_MLP && c->critic_depth > 0 && c->critic_width % c->groupsort_k)
            return wk_errorf(WK_EINVAL, "critic_width %lld is not a multiple of groupsort_k %d", (long long)c->critic_width,
                             c->groupsort_k);
    if (!c->out[0]) return wk_errorf(WK_EINVAL, "out: the run directory must not be empty");
    if (c->batch % c->data_shards)
        return wk_errorf(WK_EINVAL, "batch %lld does not divide into %d equal shards (%s)", (long long)c->batch, c->data_shards,
                         c->data_parallel ? "one per rank under data_parallel=1" : "data_shards");
    if (c->export_orthonormal == 1 && c->critic != WK_LIP_BJORCK)
        return wk_errorf(WK_EINVAL, "export_orthonormal=1 needs critic=bjorck (critic is %s)", wk_lip_method_name(c->critic));
    return WK_OK;
}

void wk_gan_config_help(const wk_gan_config *defaults, wk_strbuf *sb) {
    for (int i = 0; i < N_SETTINGS; i++) {
        const wk_gan_setting *s = &table[i].pub;
        char flag[64], def[WK_GAN_STR];
        snprintf(flag, sizeof flag, "--%s", s->name);
        for (char *q = flag; *q; q++)
            if (*q == '_') *q = '-';
        wk_gan_config_get(defaults, s->name, def, sizeof def);
        const char *arg = s->choices ? s->choices : s->type == WK_SET_STRING ? "S" : s->type == WK_SET_FLOAT ? "X" : s->type == WK_SET_BOOL ? "0|1" : "N";
        if (s->type == WK_SET_INT) /* every count shows its range: values outside it are refused */
            wk_sb_printf(sb, "  %-22s %-12s %s (%.0f to %.0f, default %s)\n", flag, arg, s->help, s->lo, s->hi, def);
        else wk_sb_printf(sb, "  %-22s %-12s %s (default %s)\n", flag, arg, s->help, def[0] ? def : "\"\"");
    }
}

unsigned wk_gan_config_problem_diff(const wk_gan_config *a, const wk_gan_config *b, unsigned which) {
    const int differs[] = {strcmp(a->data, b->data) != 0, a->data_n != b->data_n, a->seed != b->seed, a->scale != b->scale,
                           a->holdout != b->holdout}; /* in the order of the WK_PROBLEM_* bits */
    for (unsigned k = 0; k < sizeof differs / sizeof *differs; k++)
        if ((which >> k & 1) && differs[k]) return 1u << k;
    return 0;
}
