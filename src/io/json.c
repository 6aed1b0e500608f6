/* json.c — JSON (RFC 8259) into a wk_json DOM by Debian's jansson, and the writing helpers
 * (see json.h). */
#include "wgankit/json.h"
#include "io/read_util.h"
#include "wgankit/error.h"
#include "wgankit/tensor.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parsing is Debian's jansson (strict RFC 8259: no comments, trailing commas or NaN; UTF-8 and
 * surrogates checked; duplicate keys refused with JSON_REJECT_DUPLICATES; numbers as doubles);
 * the tree it builds is copied into wk_json nodes in document order (jansson keeps objects in
 * insertion order). jansson keeps no positions of values, which callers' messages cite
 * ("config.json:12: setting ..."), so a cursor walks the validated text in step with the copy
 * and notes where each value starts. */
typedef struct {
    const char *s;
    size_t len, pos, line_start;
    int line;
    const char *source;
} cursor;

static void skip_ws(cursor *c) {
    while (c->pos < c->len && (c->s[c->pos] == ' ' || c->s[c->pos] == '\t' || c->s[c->pos] == '\r' || c->s[c->pos] == '\n')) {
        if (c->s[c->pos] == '\n') c->line++, c->line_start = c->pos + 1;
        c->pos++;
    }
}

/* Past one token of the validated text: a string (escapes skipped), or a literal or number. */
static void skip_token(cursor *c) {
    if (c->pos < c->len && c->s[c->pos] == '"') {
        for (c->pos++; c->pos < c->len && c->s[c->pos] != '"'; c->pos++)
            if (c->s[c->pos] == '\\') c->pos++;
        c->pos++;
        return;
    }
    while (c->pos < c->len && !strchr(",]} \t\r\n", c->s[c->pos])) c->pos++;
}

/* Past the ',' or the closing bracket that follows an item. */
static void skip_punct(cursor *c) {
    skip_ws(c);
    if (c->pos < c->len) c->pos++;
}

static int nomem(const cursor *c) { return wk_errorf(WK_ENOMEM, "%s: out of memory", c->source); }

/* Whether a number's literal must be kept to read it as an integer exactly (wk_json_integer_text):
 * only where jansson's double may not tell. A double that is not integral answers "not an
 * integer" for its literal too: a non-integral literal of at most 15 significant digits is at
 * least 10^k from every integer (k its last digit's place) while its double is within 2^-53 of it
 * relatively (< 10^k / 2), and a literal of more digits — "1.0000000000000001" — rounds to an
 * integral double, so it is kept below. An integral double of at most 15 mantissa digits below
 * 2^53 is the literal's integer exactly (the same bound), except 0 from underflow ("1e-400"): 0
 * is exact only from a literal of zero digits, and a literal of digits alone below 2^53 is read
 * exactly whatever its length. Everything else (>= 2^53, where doubles skip integers; integral
 * with a fraction or exponent and > 15 digits; an underflow to 0) keeps its text. So data arrays of doubles and
 * of integers below 2^53 hold no copy of their text (a node each, not a node and a string). */
static int literal_needed(const char *s, size_t n, double v) {
    if (v != floor(v)) return 0;
    if (fabs(v) >= 9007199254740992.0) return 1;
    int digits = 0, nonzero = 0, plain = 1; /* plain: digits only, an integer below 2^53 read exactly */
    for (size_t i = 0; i < n && s[i] != 'e' && s[i] != 'E'; i++)
        if (isdigit((unsigned char)s[i])) digits++, nonzero |= s[i] != '0';
        else plain &= s[i] == '-';
    plain &= !memchr(s, 'e', n) && !memchr(s, 'E', n);
    return !plain && (digits > 15 || (v == 0 && nonzero));
}

/* Copy jansson value j (whose text starts at or after the cursor) into *out. */
static int copy_value(cursor *c, json_t *j, int depth, wk_json **out) {
    skip_ws(c);
    if (depth > WK_JSON_MAX_DEPTH)
        return wk_errorf(WK_EFORMAT, "%s:%d:%zu: nesting too deep", c->source, c->line, c->pos - c->line_start + 1);
    wk_json *v = wk_calloc(1, sizeof *v);
    if (!v) return nomem(c);
    *out = v;
    v->line = c->line;
    v->column = (int)(c->pos - c->line_start + 1);
    switch (json_typeof(j)) {
    case JSON_NULL: v->type = WK_JSON_NULL; break;
    case JSON_TRUE:
    case JSON_FALSE: v->type = WK_JSON_BOOL, v->boolean = json_is_true(j); break;
    case JSON_INTEGER: /* not with JSON_DECODE_INT_AS_REAL; kept for completeness */
    case JSON_REAL: {
        v->type = WK_JSON_NUMBER, v->number = json_number_value(j);
        size_t end = c->pos;
        while (end < c->len && !strchr(",]} \t\r\n", c->s[end])) end++;
        if (literal_needed(c->s + c->pos, end - c->pos, v->number)) {
            /* the literal as written: jansson's double rounds 2^53 + 1 and 1.0000000000000001 */
            if (!(v->text = wk_malloc(end - c->pos + 1))) return nomem(c);
            memcpy(v->text, c->s + c->pos, end - c->pos);
            v->text[end - c->pos] = 0;
        }
        break;
    }
    case JSON_STRING:
        v->type = WK_JSON_STRING;
        v->string_len = json_string_length(j);
        if (!(v->string = wk_malloc(v->string_len + 1))) return nomem(c);
        memcpy(v->string, json_string_value(j), v->string_len + 1);
        break;
    case JSON_ARRAY:
    case JSON_OBJECT: {
        int obj = json_is_object(j);
        v->type = obj ? WK_JSON_OBJECT : WK_JSON_ARRAY;
        size_t n = obj ? json_object_size(j) : json_array_size(j);
        c->pos++; /* the opening bracket */
        if (n && !(v->items = wk_calloc(n, sizeof *v->items))) return nomem(c);
        if (n && obj && !(v->keys = wk_calloc(n, sizeof *v->keys))) return nomem(c);
        if (!n) skip_punct(c);
        if (obj) {
            const char *key;
            json_t *item;
            json_object_foreach(j, key, item) {
                skip_ws(c), skip_token(c), skip_ws(c), c->pos++; /* "key" : */
                size_t kl = strlen(key) + 1;
                if (!(v->keys[v->count] = wk_malloc(kl))) return nomem(c);
                memcpy(v->keys[v->count], key, kl);
                int rc = copy_value(c, item, depth + 1, &v->items[v->count++]);
                if (rc) return rc;
                skip_punct(c);
            }
        } else {
            for (size_t i = 0; i < n; i++) {
                int rc = copy_value(c, json_array_get(j, i), depth + 1, &v->items[v->count++]);
                if (rc) return rc;
                skip_punct(c);
            }
        }
        return WK_OK;
    }
    }
    skip_token(c);
    return WK_OK;
}

void wk_json_free(wk_json *v) {
    if (!v) return;
    for (size_t i = 0; i < v->count; i++) {
        wk_json_free(v->items[i]);
        if (v->keys) wk_free(v->keys[i]);
    }
    wk_free(v->items);
    wk_free(v->keys);
    wk_free(v->string);
    wk_free(v->text);
    wk_free(v);
}

int wk_json_parse(const char *text, size_t len, const char *source, wk_json **out) {
    cursor c = {text, len, 0, 0, 1, source ? source : "json"};
    *out = NULL;
    /* Tolerate a UTF-8 byte order mark, as RFC 8259 section 8.1 allows parsers to. */
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) c.pos = c.line_start = 3;
    json_error_t e;
    json_t *j = json_loadb(text + c.pos, len - c.pos, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &e);
    if (!j) {
        if (json_error_code(&e) == json_error_out_of_memory) return wk_errorf(WK_ENOMEM, "%s: out of memory", c.source);
        /* jansson's column counts from 1 (0 or -1 when it has none); the first line is after a BOM */
        return wk_errorf(WK_EFORMAT, "%s:%d:%d: %s", c.source, e.line > 0 ? e.line : 1, e.column > 0 ? e.column : 1, e.text);
    }
    wk_json *v = NULL;
    int rc = copy_value(&c, j, 0, &v);
    json_decref(j);
    if (rc) {
        wk_json_free(v);
        return rc;
    }
    *out = v;
    return WK_OK;
}

int wk_json_parse_file(const char *path, wk_json **out) {
    *out = NULL;
    unsigned char *buf;
    size_t len;
    int rc = wk_io_read_file(path, WK_IO_NO_LIMIT, &buf, &len);
    if (rc == WK_OK) rc = wk_json_parse((const char *)buf, len, path, out);
    wk_free(buf);
    return rc;
}

const wk_json *wk_json_get(const wk_json *obj, const char *key) {
    if (!obj || obj->type != WK_JSON_OBJECT) return NULL;
    for (size_t i = 0; i < obj->count; i++)
        if (!strcmp(obj->keys[i], key)) return obj->items[i];
    return NULL;
}

const wk_json *wk_json_at(const wk_json *arr, size_t i) {
    if (!arr || arr->type != WK_JSON_ARRAY || i >= arr->count) return NULL;
    return arr->items[i];
}

/* A number for messages: its literal where kept, else its double as wk_json_double writes it
 * (%.15g–%.17g, whichever first reads back as the same double): the value read, which may differ
 * in its last digits from what the user wrote (900719925474099.15 is named 900719925474099.1). */
static void number_literal(const wk_json *v, char *buf, size_t cap) {
    if (v->text) {
        snprintf(buf, cap, "%.60s", v->text);
        return;
    }
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_json_double(&sb, v->number);
    snprintf(buf, cap, "%s", sb.data ? sb.data : "?");
    wk_sb_free(&sb);
}

/* Exactly, from the literal (RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?): its
 * significant digits D and the power of ten k they are scaled by; an integer when k >= 0 once
 * D's trailing zeros are moved into k. */
int wk_json_integer_text(const wk_json *v, char *buf, size_t cap) {
    if (!v || v->type != WK_JSON_NUMBER) return wk_errorf(WK_EFORMAT, "integer expected");
    if (!v->text) { /* the double answers exactly (literal_needed) */
        char lit[32];
        number_literal(v, lit, sizeof lit);
        if (v->number != floor(v->number)) return wk_errorf(WK_EFORMAT, "%s is not an integer", lit);
        if (snprintf(buf, cap, "%.0f", v->number == 0 ? 0.0 : v->number) >= (int)cap) /* -0 is 0, as from the text */
            return wk_errorf(WK_EFORMAT, "%s: buffer too small", lit);
        return WK_OK;
    }
    const char *p = v->text;
    int neg = *p == '-';
    p += neg;
    char digits[48];
    size_t nd = 0;
    long long k = 0;
    for (int frac = 0; *p; p++) {
        if (*p == '.' && !frac) {
            frac = 1;
            continue;
        }
        if (!isdigit((unsigned char)*p)) break;
        k -= frac;                           /* each fraction digit scales D by 10^-1 */
        if (nd == 0 && *p == '0') continue;  /* a leading zero adds no digit */
        if (nd < sizeof digits - 1) digits[nd++] = *p;
        else if (*p == '0') k++;             /* D * 10: a power of ten, not a digit */
        else return wk_errorf(WK_EFORMAT, "%.60s is not an integer of at most 40 digits", v->text);
    }
    if (*p == 'e' || *p == 'E') {
        long long e = strtoll(p + 1, NULL, 10); /* saturates at +-LLONG_MAX: far beyond any integer kept */
        k = e > 100000 ? 100000 : e < -100000 ? -100000 : k + e;
    }
    while (nd && digits[nd - 1] == '0') nd--, k++;
    if (!nd) return snprintf(buf, cap, "0") < (int)cap ? WK_OK : wk_errorf(WK_EFORMAT, "%.60s: buffer too small", v->text);
    if (k < 0) return wk_errorf(WK_EFORMAT, "%.60s is not an integer", v->text);
    if ((long long)nd + k > 40 || (size_t)((long long)nd + k) + neg + 1 > cap)
        return wk_errorf(WK_EFORMAT, "%.60s has more than 40 digits", v->text);
    size_t o = 0;
    if (neg) buf[o++] = '-';
    memcpy(buf + o, digits, nd), o += nd;
    while (k-- > 0) buf[o++] = '0';
    buf[o] = 0;
    return WK_OK;
}

int wk_json_as_int64(const wk_json *v, int64_t *out) {
    const long long lim = 9007199254740992LL; /* 2^53 */
    char buf[48], *end;
    if (!v || v->type != WK_JSON_NUMBER) return wk_errorf(WK_EFORMAT, "integer expected");
    if (wk_json_integer_text(v, buf, sizeof buf)) return wk_error_context(WK_EFORMAT, "not an integer in [-2^53, 2^53]");
    errno = 0;
    long long x = strtoll(buf, &end, 10);
    if (errno || *end || x > lim || x < -lim) {
        char lit[64];
        number_literal(v, lit, sizeof lit);
        return wk_errorf(WK_EFORMAT, "%s is not an integer in [-2^53, 2^53]", lit);
    }
    *out = x;
    return WK_OK;
}

const char *wk_json_type_name(wk_json_type t) {
    static const char *names[] = {"null", "boolean", "number", "string", "array", "object"};
    return (unsigned)t < 6 ? names[t] : "?";
}

/* ---- writing ---- */
void wk_json_string_n(wk_strbuf *sb, const char *s, size_t n) {
    wk_sb_putc(sb, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': wk_sb_puts(sb, "\\\""); break;
        case '\\': wk_sb_puts(sb, "\\\\"); break;
        case '\n': wk_sb_puts(sb, "\\n"); break;
        case '\r': wk_sb_puts(sb, "\\r"); break;
        case '\t': wk_sb_puts(sb, "\\t"); break;
        case '\b': wk_sb_puts(sb, "\\b"); break;
        case '\f': wk_sb_puts(sb, "\\f"); break;
        default:
            if (c < 0x20 || c == 0x7F) wk_sb_printf(sb, "\\u%04x", c);
            else wk_sb_putc(sb, (char)c);
        }
    }
    wk_sb_putc(sb, '"');
}

void wk_json_string(wk_strbuf *sb, const char *s) { wk_json_string_n(sb, s, strlen(s)); }

void wk_json_float(wk_strbuf *sb, float v) {
    if (!isfinite(v)) wk_sb_puts(sb, "null");
    else wk_sb_printf(sb, "%.9g", (double)v);
}

void wk_json_double(wk_strbuf *sb, double v) {
    if (!isfinite(v)) {
        wk_sb_puts(sb, "null");
        return;
    }
    char buf[32];
    for (int prec = 15; prec <= 17; prec++) { /* 17 significant digits always round-trip */
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    wk_sb_puts(sb, buf);
}

void wk_json_int(wk_strbuf *sb, int64_t v) { wk_sb_printf(sb, "%lld", (long long)v); }

void wk_json_logged_double(wk_strbuf *sb, const char *key, double v, const char *reason) {
    wk_json_key(sb, key);
    wk_json_double(sb, v);
    if (isfinite(v)) return;
    char k[128];
    snprintf(k, sizeof k, "%s_null", key);
    wk_json_key(sb, k);
    wk_json_string(sb, isnan(v) ? WK_JSON_NAN_REASON : v < 0 ? WK_JSON_NEG_INF_REASON : reason ? reason : "not finite");
}

double wk_json_logged(const wk_json *obj, const char *key) {
    const wk_json *v = wk_json_get(obj, key);
    if (v && v->type == WK_JSON_NULL) {
        char k[128];
        snprintf(k, sizeof k, "%s_null", key);
        const wk_json *r = wk_json_get(obj, k);
        if (!r || r->type != WK_JSON_STRING) return NAN;
        if (!strcmp(r->string, WK_JSON_NAN_REASON)) return NAN;
        return wk_str_ends_with(r->string, ": -Inf") ? -INFINITY : INFINITY;
    }
    return v && v->type == WK_JSON_NUMBER ? v->number : NAN;
}

void wk_json_sep(wk_strbuf *sb) {
    if (sb->len && sb->data[sb->len - 1] != '{' && sb->data[sb->len - 1] != '[') wk_sb_putc(sb, ',');
}

void wk_json_key(wk_strbuf *sb, const char *key) {
    wk_json_sep(sb);
    wk_json_string(sb, key);
    wk_sb_putc(sb, ':');
}

void wk_json_write(wk_strbuf *sb, const wk_json *v) {
    switch (v->type) {
    case WK_JSON_NULL: wk_sb_puts(sb, "null"); break;
    case WK_JSON_BOOL: wk_sb_puts(sb, v->boolean ? "true" : "false"); break;
    case WK_JSON_NUMBER: wk_json_double(sb, v->number); break;
    case WK_JSON_STRING: wk_json_string_n(sb, v->string, v->string_len); break;
    case WK_JSON_ARRAY:
    case WK_JSON_OBJECT: {
        int obj = v->type == WK_JSON_OBJECT;
        wk_sb_putc(sb, obj ? '{' : '[');
        for (size_t i = 0; i < v->count; i++) {
            if (obj) wk_json_key(sb, v->keys[i]);
            else wk_json_sep(sb);
            wk_json_write(sb, v->items[i]);
        }
        wk_sb_putc(sb, obj ? '}' : ']');
        break;
    }
    }
}
