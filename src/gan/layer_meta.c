/* layer_meta.c — checkpoints that explain themselves (issue 11): the layer lists stored in a
 * checkpoint's metadata ("wgankit.generator", "wgankit.critic") state every transformation the
 * forward pass applies, so that tests/reference/load_checkpoint.py rebuilds each network in numpy
 * from the file alone:
 *   linear     "weight"/"bias": tensor names; "forward_weight": the ops turning the stored weight
 *              into the one the forward pass multiplies by, in order —
 *                {"op":"divide_by_norm_bound"}  W / sqrt(max column |W| sum · max row |W| sum)
 *                {"op":"bjorck","iters":k,"beta":b}  k times W <- (1+b)W - b W(WᵀW) (rows >= cols)
 *                                                   or (1+b)W - b (WWᵀ)W (wide), in float32
 *                {"op":"spectral_norm", ...}         W / (uᵀ W v), (u, v) from the named tensors,
 *                                                   first advanced by "power_iterations" steps;
 *                                                   a MIX+GAN's list (shared by the components)
 *                                                   names them as arrays, entry j component j's
 *                                                   lipschitz.<j>.sn_u/sn_v.<layer> (version 3)
 *              and "constraint": what keeps the stored weights in the critic class between
 *              steps (projection, clipping, Biau's set, penalty), which the forward pass does not do;
 *   groupsort  "group": k, "order": "ascending", "groups": consecutive features [k j, k j + k);
 *   clamp      a last entry {"type":"clamp","min":-c,"max":c} when the critic's output is clamped.
 * It also computes the export of orthonormalised critic weights (export_orthonormal): the
 * forward-pass weights projected with bjorck_final_iters Björck iterations down to bjorck_tol,
 * stored as critic_orthonormal.<i>.weight/.bias with a plain layer list, so a plain forward
 * pass from the file is a 1-Lipschitz critic (the trained one, for projection mode).
 * Loading reads the lists back (wk__check_layer_lists): each must be the one this build writes
 * for the networks the file's config builds (with the file's spectral-norm steps), or for a file
 * of a build before these lists named tensors, the older form that build wrote; a list that
 * states another forward pass than the one wgankit computes is refused (finding 7a). Which form
 * a file must have is decided by the file, never by the list: a file stamped
 * "wgankit.layer_list_version" (written from now on: "3" for a MIX+GAN, "2" otherwise; a MIX+GAN
 * file stamped "2" or unstamped keeps the single spectral-norm names lipschitz.sn_u.<layer> that
 * earlier builds wrote), or carrying "wgankit.data_scale" or
 * "wgankit.critic_orthonormal" (both only written by builds that descend from the one that
 * introduced the current lists, 7daae1e), must have the current form, so a current list stripped
 * to the older form (a plain forward pass wgankit does not compute) is refused. */
#include <stdio.h>
#include <string.h>

#include "trainer_internal.h"
#include "wgankit/error.h"
#include "wgankit/json.h"

/* sn_step/step: the spectral-norm steps the list is written for (the trainer's own when saving,
 * the file's when a loaded list is checked before the state is copied); components: 0 names the single GAN's (u, v) tensors lipschitz.sn_u/sn_v.<layer> (and the list a
 * MIX+GAN file of layer-list version 2 or earlier holds, which named no stored tensor); T > 1
 * names each component's, an array of T names lipschitz.<j>.sn_u.<layer> (version 3) */
static void forward_weight_json(const wk_lipschitz *lip, const int64_t *sn_step, int64_t step, int layer, int components,
                                wk_strbuf *sb) {
    const wk_lipschitz_config *c = &lip->cfg;
    wk_json_key(sb, "forward_weight");
    wk_sb_putc(sb, '[');
    if (c->method == WK_LIP_BJORCK && c->bjorck_reparam) {
        wk_sb_puts(sb, "{\"op\":\"divide_by_norm_bound\",\"bound\":\"sqrt(max_col_abs_sum * max_row_abs_sum)\"},");
        wk_sb_printf(sb, "{\"op\":\"bjorck\",\"iters\":%d,\"beta\":", c->bjorck_iters);
        wk_json_float(sb, c->bjorck_beta);
        wk_sb_puts(sb, ",\"update\":\"(1+beta) W - beta W (W^T W) if rows >= cols else (1+beta) W - beta (W W^T) W\"}");
    } else if (c->method == WK_LIP_SPECTRAL) {
        /* the first forward pass of a critic step advances (u, v); one after loading does too
         * unless the step's pass already happened (sn_step == step) */
        int advance = sn_step && sn_step[layer] != step ? c->sn_iters : 0;
        wk_sb_puts(sb, "{\"op\":\"spectral_norm\"");
        for (int s = 0; s < 2; s++) {
            const char *vec = s ? "v" : "u";
            wk_sb_printf(sb, ",\"%s\":", vec);
            if (!components) wk_sb_printf(sb, "\"lipschitz.sn_%s.%d\"", vec, layer);
            else {
                wk_sb_putc(sb, '[');
                for (int j = 0; j < components; j++) wk_sb_printf(sb, "%s\"lipschitz.%d.sn_%s.%d\"", j ? "," : "", j, vec, layer);
                wk_sb_putc(sb, ']');
            }
        }
        wk_sb_printf(sb, ",\"power_iterations\":%d,\"power_step\":\"v = W^T u / |W^T u|, u = W v / |W v|\",\"sigma\":\"u^T W v\","
                         "\"weight\":\"W / sigma\"}", advance);
    }
    wk_sb_putc(sb, ']');
    wk_json_key(sb, "constraint");
    switch (c->method) {
    case WK_LIP_BJORCK:
        if (c->bjorck_reparam) wk_json_string(sb, "none between steps (Björck is in the forward pass, gradients flow through it)");
        else {
            char b[200];
            snprintf(b, sizeof b, "stored weights are Björck-projected after each critic step (up to %d iterations, beta %g, tol %g)",
                     c->bjorck_iters, c->bjorck_beta, c->bjorck_tol);
            wk_json_string(sb, b);
        }
        break;
    case WK_LIP_BIAU: wk_json_string(sb, "stored weights are projected onto Biau et al.'s parameter set after each critic step"); break;
    case WK_LIP_CLIP: {
        char b[96];
        snprintf(b, sizeof b, "stored weights are clipped to [-%g, %g] after each critic step", c->clip, c->clip);
        wk_json_string(sb, b);
        break;
    }
    case WK_LIP_GP: wk_json_string(sb, "gradient penalty during training only"); break;
    case WK_LIP_SPECTRAL: wk_json_string(sb, "none between steps (W / sigma is in the forward pass)"); break;
    default: wk_json_string(sb, "none");
    }
}

/* legacy: the list as builds before self-describing checkpoints wrote it (no tensor names,
 * forward_weight, constraint, GroupSort order/groups nor clamp entry), which such files hold */
static void model_json(const wk_model *m, const wk_lipschitz *lip, const int64_t *sn_step, int64_t step, int legacy, int components,
                       wk_strbuf *sb) {
    wk_sb_putc(sb, '[');
    for (int i = 0; i < m->n_layers; i++) {
        const wk_layer *l = &m->layers[i];
        wk_json_sep(sb);
        wk_sb_putc(sb, '{');
        wk_json_key(sb, "type");
        switch (l->kind) {
        case WK_LAYER_LINEAR:
        case WK_LAYER_CONV2D:
        case WK_LAYER_CONVT2D:
            wk_json_string(sb, l->kind == WK_LAYER_LINEAR ? "linear" : l->kind == WK_LAYER_CONV2D ? "conv2d" : "conv_transpose2d");
            wk_json_key(sb, "in"), wk_json_int(sb, l->in);
            wk_json_key(sb, "out"), wk_json_int(sb, l->out);
            wk_json_key(sb, "bias"), wk_sb_puts(sb, l->bias ? "true" : "false");
            if (l->kind != WK_LAYER_LINEAR) {
                wk_json_key(sb, "kernel"), wk_json_int(sb, l->k);
                wk_json_key(sb, "stride"), wk_json_int(sb, l->stride);
                wk_json_key(sb, "padding"), wk_json_int(sb, l->pad);
                wk_json_key(sb, "output_padding"), wk_json_int(sb, l->out_pad);
            }
            if (legacy) break;
            wk_json_key(sb, "weight"), wk_json_string(sb, l->weight->name);
            if (l->bias) wk_json_key(sb, "bias_tensor"), wk_json_string(sb, l->bias->name);
            if (lip) forward_weight_json(lip, sn_step, step, i, components, sb);
            break;
        case WK_LAYER_BATCHNORM:
            wk_json_string(sb, "batchnorm");
            wk_json_key(sb, "channels"), wk_json_int(sb, l->in);
            wk_json_key(sb, "eps"), wk_json_float(sb, l->eps);
            wk_json_key(sb, "momentum"), wk_json_float(sb, l->momentum);
            break;
        case WK_LAYER_LAYERNORM:
        case WK_LAYER_RESHAPE:
            wk_json_string(sb, l->kind == WK_LAYER_RESHAPE ? "reshape" : "layernorm");
            wk_json_key(sb, "shape");
            wk_sb_putc(sb, '[');
            for (int d = 0; d < l->ndim; d++) wk_json_sep(sb), wk_json_int(sb, l->shape[d]);
            wk_sb_putc(sb, ']');
            if (l->kind == WK_LAYER_LAYERNORM) wk_json_key(sb, "eps"), wk_json_float(sb, l->eps);
            break;
        case WK_LAYER_ACT:
            wk_json_string(sb, wk_activation_name(l->act));
            if (l->act == WK_ACT_LEAKY_RELU) wk_json_key(sb, "slope"), wk_json_float(sb, l->act_param);
            if (l->act == WK_ACT_GROUPSORT) {
                wk_json_key(sb, "group"), wk_json_int(sb, (int64_t)l->act_param);
                if (legacy) break;
                wk_json_key(sb, "order"), wk_json_string(sb, "ascending");
                wk_json_key(sb, "groups"), wk_json_string(sb, "consecutive features [k*j, k*j+k) along axis 1");
            }
            break;
        }
        wk_sb_putc(sb, '}');
    }
    if (m->output_clamp > 0 && !legacy) {
        wk_json_sep(sb);
        wk_sb_puts(sb, "{\"type\":\"clamp\",\"min\":");
        wk_json_float(sb, -m->output_clamp);
        wk_sb_puts(sb, ",\"max\":");
        wk_json_float(sb, m->output_clamp);
        wk_sb_putc(sb, '}');
    }
    wk_sb_putc(sb, ']');
}

void wk__model_to_json(const wk_model *m, const wk_lipschitz *lip, int components, wk_strbuf *sb) {
    model_json(m, lip, lip ? lip->sn_step : NULL, lip ? lip->step : 0, 0, components > 1 ? components : 0, sb);
}

/* ---- reading a layer list back (finding 7a) ------------------------------------------------- */

/* A JSON value for a message, cut at 60 characters. */
static const char *shown(const wk_json *v, char *buf, size_t cap) {
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_json_write(&sb, v);
    snprintf(buf, cap, "%.60s%s", sb.data ? sb.data : "?", sb.len > 60 ? "..." : "");
    wk_sb_free(&sb);
    return buf;
}

/* The first place where the file's value `got` differs from the written one `want`: 1 with
 * `where` (a path such as [1].order) and `why` filled, else 0. Objects compare as key sets (a
 * rewriter may reorder keys), numbers as the doubles they denote (a rewriter may respell them). */
static int differs(const wk_json *got, const wk_json *want, char *where, size_t wcap, char *why, size_t ycap) {
    char a[80], b[80];
    size_t len = strlen(where);
    if (got->type != want->type || (got->type == WK_JSON_BOOL && got->boolean != want->boolean) ||
        (got->type == WK_JSON_NUMBER && got->number != want->number) ||
        (got->type == WK_JSON_STRING && (got->string_len != want->string_len || memcmp(got->string, want->string, got->string_len)))) {
        snprintf(why, ycap, "is %s, but the config and tensors stored with it give %s", shown(got, a, sizeof a), shown(want, b, sizeof b));
        return 1;
    }
    if (got->type == WK_JSON_ARRAY) {
        if (got->count != want->count) {
            snprintf(why, ycap, "lists %zu entries, but the config and tensors stored with it give %zu", got->count, want->count);
            return 1;
        }
        for (size_t i = 0; i < got->count; i++) {
            snprintf(where + len, wcap - len, "[%zu]", i);
            if (differs(got->items[i], want->items[i], where, wcap, why, ycap)) return 1;
        }
    } else if (got->type == WK_JSON_OBJECT) {
        for (size_t i = 0; i < want->count; i++) {
            const wk_json *g = wk_json_get(got, want->keys[i]);
            snprintf(where + len, wcap - len, ".%s", want->keys[i]);
            if (!g) {
                snprintf(why, ycap, "is missing (the config and tensors stored with it give %s)", shown(want->items[i], b, sizeof b));
                return 1;
            }
            if (differs(g, want->items[i], where, wcap, why, ycap)) return 1;
        }
        for (size_t i = 0; i < got->count; i++)
            if (!wk_json_get(want, got->keys[i])) {
                snprintf(where + len, wcap - len, ".%s", got->keys[i]);
                snprintf(why, ycap, "is not a setting of this layer (the config and tensors stored with it have none)");
                return 1;
            }
    }
    where[len] = 0;
    return 0;
}

/* Does any layer of the parsed list name its tensors (the current form)? */
static int names_tensors(const wk_json *list) {
    for (size_t i = 0; list->type == WK_JSON_ARRAY && i < list->count; i++)
        if (wk_json_get(list->items[i], "weight")) return 1;
    return 0;
}

/* May the file's lists have the older form? Only for a file no current build could have written:
 * no version stamp, no data scaling and no orthonormal export (see the header comment). The
 * stamp, where present, must be a version this build writes: WK_LAYER_LIST_VERSION, or for a
 * MIX+GAN WK_LAYER_LIST_VERSION_MIX, whose spectral-norm ops name every component's (u, v)
 * tensors (*components = T); a MIX+GAN file stamped WK_LAYER_LIST_VERSION or unstamped holds the
 * single names earlier builds wrote there (*components = 0). A single GAN's lists are the same
 * under both versions. */
static int older_form_allowed(const wk_trainer *t, const wk_safetensors *f, int *allowed, int *components) {
    const char *v = wk_safetensors_meta(f, WK_LAYER_LIST_VERSION_KEY);
    if (v && strcmp(v, WK_LAYER_LIST_VERSION) && strcmp(v, WK_LAYER_LIST_VERSION_MIX))
        return wk_errorf(WK_EFORMAT, "%.500s: metadata %s is \"%.40s\", but this build reads layer lists of version %s (and %s "
                                     "for MIX+GAN); not a usable checkpoint", f->path, WK_LAYER_LIST_VERSION_KEY, v,
                         WK_LAYER_LIST_VERSION, WK_LAYER_LIST_VERSION_MIX);
    *allowed = !v && !wk_safetensors_meta(f, "wgankit.data_scale") && !wk_safetensors_meta(f, "wgankit.critic_orthonormal");
    *components = t->T > 1 && v && !strcmp(v, WK_LAYER_LIST_VERSION_MIX) ? t->T : 0;
    return WK_OK;
}

/* One stored list against the one this build writes for m (or, for a list in the older form,
 * the one older builds wrote). */
static int check_list(const wk_safetensors *f, const char *key, const wk_model *m, const wk_lipschitz *lip,
                      const int64_t *sn_step, int64_t step, int legacy_ok, int components) {
    const char *stored = wk_safetensors_meta(f, key);
    if (!stored) return WK_OK; /* written before layer lists were stored: nothing to disagree with */
    char source[600];
    snprintf(source, sizeof source, "%.500s: metadata %s", f->path, key);
    wk_json *got = NULL, *want = NULL;
    int rc = wk_json_parse(stored, strlen(stored), source, &got);
    if (!rc && got->type != WK_JSON_ARRAY)
        rc = wk_errorf(WK_EFORMAT, "%s is a JSON %s, not a layer list", source, wk_json_type_name(got->type));
    wk_strbuf sb;
    wk_sb_init(&sb);
    if (!rc) {
        model_json(m, lip, sn_step, step, legacy_ok && !names_tensors(got), components, &sb);
        if (!(rc = wk_sb_status(&sb))) rc = wk_json_parse(sb.data, sb.len, "layer list", &want);
    }
    char where[256] = "", why[300];
    if (!rc && differs(got, want, where, sizeof where, why, sizeof why))
        rc = wk_errorf(WK_EFORMAT, "%s%s %s: the layer list must state the forward pass wgankit computes%s; not a usable "
                                   "checkpoint", source, where, why,
                       legacy_ok || names_tensors(got) ? ""
                                                       : " (the older form without tensor names is only read from files of "
                                                         "builds before self-describing checkpoints, and this file is newer)");
    wk_sb_free(&sb);
    wk_json_free(got), wk_json_free(want);
    return rc;
}

int wk__check_layer_lists(const wk_trainer *t, const wk_safetensors *f, const int64_t *sn_step, int64_t lip_step) {
    int older = 0, components = 0;
    int rc = older_form_allowed(t, f, &older, &components);
    if (!rc) rc = check_list(f, "wgankit.generator", &t->gen, NULL, NULL, 0, older, 0);
    if (!rc) rc = check_list(f, "wgankit.critic", &t->critic, &t->lip, sn_step, lip_step, older, components);
    /* the export came with the current form: a plain list of the same layers and clamp */
    if (!rc) rc = check_list(f, "wgankit.critic_orthonormal", &t->critic, NULL, NULL, 0, 0, 0);
    return rc;
}

void wk__export_free(wk__export *ex) {
    for (int i = 0; i < ex->n; i++) wk_tensor_free(&ex->tensors[i]);
    wk_free(ex->names), wk_free(ex->tensors);
    wk_sb_free(&ex->layers);
    memset(ex, 0, sizeof *ex);
}

/* export_orthonormal: -1 = on for Björck projection (where it is the trained critic up to the
 * projection tolerance), 0 = off, 1 = on (Björck critics only: config validation). */
static int export_on(const wk_trainer *t) {
    const wk_gan_config *c = &t->cfg;
    if (c->critic != WK_LIP_BJORCK || t->step != c->steps) return 0; /* at the end of training only */
    return c->export_orthonormal > 0 || (c->export_orthonormal < 0 && !c->bjorck_reparam);
}

/* The next export slot named prefix.name, growing the arrays. */
static int export_slot(wk__export *ex, const char *prefix, const char *name, const wk_tensor *like, wk_tensor **out) {
    if (ex->n == ex->cap) {
        int cap = ex->cap ? 2 * ex->cap : 32;
        char(*names)[128] = wk_realloc(ex->names, (size_t)cap * sizeof *names);
        if (!names) return WK_ENOMEM;
        ex->names = names;
        wk_tensor *ts = wk_realloc(ex->tensors, (size_t)cap * sizeof *ts);
        if (!ts) return WK_ENOMEM;
        ex->tensors = ts, ex->cap = cap;
    }
    snprintf(ex->names[ex->n], sizeof ex->names[0], "%s.%s", prefix, name);
    *out = &ex->tensors[ex->n];
    int rc = wk_tensor_alloc(*out, like->ndim, like->shape);
    if (!rc) ex->n++;
    return rc;
}

int wk__export_orthonormal(wk_trainer *t, wk__export *ex) {
    memset(ex, 0, sizeof *ex);
    wk_sb_init(&ex->layers);
    if (!export_on(t)) return WK_OK;
    wk_model *m = &t->critic;
    int rc = WK_OK;
    float *work = NULL;
    /* every component of a MIX+GAN: each critic is in the class, and so is their mixture */
    for (int j = 0; j < t->T && !rc; j++) {
        char prefix[48] = "critic_orthonormal";
        if (t->T > 1) snprintf(prefix, sizeof prefix, "critic_orthonormal.%d", j);
        m = WK_MIX_CRITIC(t, j);
        for (int i = 0; i < m->n_layers && !rc; i++) {
            wk_layer *l = &m->layers[i];
            if (l->kind != WK_LAYER_LINEAR) continue;
            wk_tensor *w, *b;
            if ((rc = export_slot(ex, prefix, l->weight->name, &l->weight->value, &w))) break;
            if (m->weight_fn) { /* the forward pass's weight (reparametrisation): evaluate its op chain */
                wk_graph *g = wk_graph_new();
                wk_var *v = g ? m->weight_fn(g, m, i, wk_param_const(g, l->weight), m->weight_ctx) : NULL;
                if (v) wk_tensor_copy(w, wk_value(v));
                else rc = g ? wk_graph_status(g) : WK_ENOMEM;
                wk_graph_free(g);
            } else wk_tensor_copy(w, &l->weight->value);
            wk_free(work); /* scratch sized for this layer */
            if (!rc && !(work = wk_malloc(wk_bjorck_work_len(w) * sizeof(float)))) rc = WK_ENOMEM;
            if (!rc) rc = wk_bjorck_project_tol(w, t->cfg.bjorck_final_iters, (float)t->cfg.bjorck_beta, (float)t->cfg.bjorck_tol, work, NULL, NULL);
            if (!rc && l->bias && !(rc = export_slot(ex, prefix, l->bias->name, &l->bias->value, &b))) wk_tensor_copy(b, &l->bias->value);
        }
    }
    m = &t->critic;
    wk_free(work);
    if (!rc) wk__model_to_json(m, NULL, 0, &ex->layers); /* plain: no transformation, same layers and clamp */
    if (!rc) rc = wk_sb_status(&ex->layers);
    if (rc) {
        wk__export_free(ex);
        return wk_error_context(rc, "exporting orthonormalised critic weights");
    }
    return WK_OK;
}
