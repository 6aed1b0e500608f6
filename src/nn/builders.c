/* builders.c — the architectures wgankit trains: MLPs (Biau et al.'s ReLU generators and
 * GroupSort critics are MLPs) and the DCGAN generator/critic (Radford et al. 2016) for
 * 28×28 and 32×32 images. */
#include <stdio.h>

#include "wgankit/error.h"
#include "wgankit/nn.h"

int wk_build_mlp(wk_model *m, const wk_mlp_spec *s) {
    if (s->in < 1 || s->out < 1 || s->depth < 0 || (s->depth > 0 && s->width < 1))
        return wk_errorf(WK_EINVAL, "mlp: need in, out >= 1, depth >= 0 and width >= 1 (got %lld, %lld, %d, %lld)",
                         (long long)s->in, (long long)s->out, s->depth, (long long)s->width);
    if (s->act == WK_ACT_GROUPSORT && s->depth > 0 && s->width % (int64_t)s->act_param)
        return wk_errorf(WK_EINVAL, "mlp: width %lld is not a multiple of the GroupSort group size %g",
                         (long long)s->width, s->act_param);
    int64_t prev = s->in;
    int rc;
    for (int i = 0; i < s->depth; i++) {
        if ((rc = wk_model_add_linear(m, prev, s->width, s->bias))) return rc;
        if ((rc = wk_model_add_activation(m, s->act, s->act_param))) return rc;
        prev = s->width;
    }
    if ((rc = wk_model_add_linear(m, prev, s->out, s->bias))) return rc;
    if (s->out_act != WK_ACT_NONE) return wk_model_add_activation(m, s->out_act, 0);
    return WK_OK;
}

int wk_dcgan_spec_shape(wk_dcgan_spec *s, int ndim, const int64_t *shape) {
    char have[96] = "";
    size_t off = 0;
    for (int i = 0; i < ndim && off < sizeof have; i++)
        off += (size_t)snprintf(have + off, sizeof have - off, i ? "x%lld" : "%lld", (long long)shape[i]);
    if (ndim != 3 || shape[1] != shape[2] || (shape[1] != 28 && shape[1] != 32) || (shape[0] != 1 && shape[0] != 3))
        return wk_errorf(WK_EINVAL, "DCGAN networks take 28x28 or 32x32 images with 1 or 3 channels ([N, H, W] or [N, C, H, W]), "
                                    "not samples shaped %s (use gen=mlp critic_net=mlp)", have);
    s->image_size = (int)shape[1];
    s->channels = (int)shape[0];
    return WK_OK;
}

static int check_spec(const wk_dcgan_spec *s) {
    if ((s->image_size != 28 && s->image_size != 32) || (s->channels != 1 && s->channels != 3) || s->width < 1 ||
        s->latent_dim < 1)
        return wk_errorf(WK_EINVAL, "dcgan: images must be 28x28 or 32x32 with 1 or 3 channels (got %dx%d, %d channels)",
                         s->image_size, s->image_size, s->channels);
    return WK_OK;
}

int wk_build_dcgan_generator(wk_model *m, const wk_dcgan_spec *s) {
    int rc = check_spec(s);
    if (rc) return rc;
    int64_t w = s->width, start = s->image_size == 28 ? 7 : 4;
    int64_t top = s->image_size == 28 ? 2 * w : 4 * w; /* channels at the smallest resolution */
    if ((rc = wk_model_add_linear(m, s->latent_dim, top * start * start, 1))) return rc;
    if (s->batch_norm && (rc = wk_model_add_batchnorm(m, top * start * start, 0.1f, 1e-5f))) return rc;
    if ((rc = wk_model_add_activation(m, WK_ACT_RELU, 0))) return rc;
    if ((rc = wk_model_add_reshape(m, 3, (int64_t[]){top, start, start}))) return rc;
    for (int64_t c = top; c > w; c /= 2) { /* 32×32: 4w→2w at 8×8 */
        if ((rc = wk_model_add_conv_transpose2d(m, c, c / 2, 4, 2, 1, 0, 1))) return rc;
        if (s->batch_norm && (rc = wk_model_add_batchnorm(m, c / 2, 0.1f, 1e-5f))) return rc;
        if ((rc = wk_model_add_activation(m, WK_ACT_RELU, 0))) return rc;
    }
    if ((rc = wk_model_add_conv_transpose2d(m, w, s->channels, 4, 2, 1, 0, 1))) return rc;
    return wk_model_add_activation(m, WK_ACT_TANH, 0);
}

int wk_build_dcgan_critic(wk_model *m, const wk_dcgan_spec *s) {
    int rc = check_spec(s);
    if (rc) return rc;
    int64_t w = s->width, size = s->image_size, c = s->channels, next = w;
    int convs = s->image_size == 28 ? 2 : 3;
    for (int i = 0; i < convs; i++) {
        if ((rc = wk_model_add_conv2d(m, c, next, 4, 2, 1, 1))) return rc;
        size /= 2;
        if (i > 0 && s->critic_norm == 1 && (rc = wk_model_add_batchnorm(m, next, 0.1f, 1e-5f))) return rc;
        if (i > 0 && s->critic_norm == 2 &&
            (rc = wk_model_add_layernorm(m, 3, (int64_t[]){next, size, size}, 1e-5f)))
            return rc;
        if ((rc = wk_model_add_activation(m, WK_ACT_LEAKY_RELU, 0.2f))) return rc;
        c = next;
        next *= 2;
    }
    if ((rc = wk_model_add_reshape(m, 1, (int64_t[]){c * size * size}))) return rc;
    return wk_model_add_linear(m, c * size * size, 1, 1);
}
