/* json.c — strict recursive-descent JSON parser into a DOM, and the writing helpers
 * (see json.h). Grammar: RFC 8259. */
#include "wgankit/json.h"
#include "io/read_util.h"
#include "wgankit/error.h"
#include "wgankit/tensor.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    size_t len, pos;
    int line;
    size_t line_start;
    const char *source;
    int failed;
} parser;

static int fail(parser *p, const char *what) {
    if (!p->failed)
        wk_errorf(WK_EFORMAT, "%s:%d:%zu: %s", p->source, p->line, p->pos - p->line_start + 1, what);
    p->failed = 1;
    return WK_EFORMAT;
}

static void skip_ws(parser *p) {
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == '\n') {
            p->line++;
            p->line_start = p->pos + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        p->pos++;
    }
}

static wk_json *new_node(parser *p, wk_json_type t) {
    wk_json *v = wk_calloc(1, sizeof *v);
    if (!v) {
        wk_errorf(WK_ENOMEM, "%s: out of memory", p->source);
        p->failed = 1;
        return NULL;
    }
    v->type = t;
    v->line = p->line;
    v->column = (int)(p->pos - p->line_start + 1);
    return v;
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
    wk_free(v);
}

static void put_utf8(char *o, size_t *n, unsigned cp) {
    if (cp < 0x80) {
        o[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        o[(*n)++] = (char)(0xC0 | cp >> 6);
        o[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        o[(*n)++] = (char)(0xE0 | cp >> 12);
        o[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        o[(*n)++] = (char)(0xF0 | cp >> 18);
        o[(*n)++] = (char)(0x80 | (cp >> 12 & 0x3F));
        o[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

/* Length of the valid UTF-8 sequence at s[0..avail), or 0 if invalid (overlong forms,
 * surrogates and code points above U+10FFFF are invalid, per RFC 3629). */
static size_t utf8_seq_len(const unsigned char *s, size_t avail) {
    unsigned c = s[0];
    size_t n;
    unsigned cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
    else return 0;
    if (avail < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

static int hex4(parser *p, unsigned *out) {
    if (p->pos + 4 > p->len) return fail(p, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos + i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return fail(p, "bad hex digit in \\u escape");
    }
    p->pos += 4;
    *out = v;
    return WK_OK;
}

/* At the opening quote. The decoded string is never longer than its source text. */
static int parse_string(parser *p, char **out, size_t *out_len) {
    size_t start = ++p->pos, end = start;
    while (end < p->len && p->s[end] != '"') end += p->s[end] == '\\' ? 2 : 1;
    if (end >= p->len) return fail(p, "unterminated string");
    char *o = wk_malloc(end - start + 1);
    if (!o) {
        p->failed = 1;
        return wk_errorf(WK_ENOMEM, "%s: out of memory", p->source);
    }
    size_t n = 0;
    while (p->s[p->pos] != '"') {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c < 0x20) { wk_free(o); return fail(p, "control character in string (escape it)"); }
        if (c != '\\') {
            size_t k = utf8_seq_len((const unsigned char *)p->s + p->pos, end - p->pos);
            if (!k) { wk_free(o); return fail(p, "invalid UTF-8 in string"); }
            memcpy(o + n, p->s + p->pos, k);
            n += k;
            p->pos += k;
            continue;
        }
        char e = p->s[++p->pos];
        p->pos++;
        switch (e) {
        case '"': o[n++] = '"'; break;
        case '\\': o[n++] = '\\'; break;
        case '/': o[n++] = '/'; break;
        case 'b': o[n++] = '\b'; break;
        case 'f': o[n++] = '\f'; break;
        case 'n': o[n++] = '\n'; break;
        case 'r': o[n++] = '\r'; break;
        case 't': o[n++] = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (hex4(p, &cp) != WK_OK) { wk_free(o); return WK_EFORMAT; }
            if (cp >= 0xDC00 && cp <= 0xDFFF) { wk_free(o); return fail(p, "lone low surrogate in \\u escape"); }
            if (cp >= 0xD800 && cp <= 0xDBFF) { /* UTF-16 pair: \uD83D\uDE00 */
                if (p->pos + 2 > end || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
                    wk_free(o);
                    return fail(p, "high surrogate not followed by \\u low surrogate");
                }
                p->pos += 2;
                if (hex4(p, &lo) != WK_OK) { wk_free(o); return WK_EFORMAT; }
                if (lo < 0xDC00 || lo > 0xDFFF) { wk_free(o); return fail(p, "invalid low surrogate"); }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            put_utf8(o, &n, cp);
            break;
        }
        default:
            p->pos--;
            wk_free(o);
            return fail(p, "unknown escape in string");
        }
    }
    p->pos++; /* closing quote */
    o[n] = 0;
    *out = o;
    *out_len = n;
    return WK_OK;
}

static int parse_number(parser *p, double *out) {
    size_t i = p->pos;
    const char *s = p->s;
    if (i < p->len && s[i] == '-') i++;
    if (i >= p->len || s[i] < '0' || s[i] > '9') return fail(p, "invalid number");
    if (s[i] == '0') i++;
    else while (i < p->len && s[i] >= '0' && s[i] <= '9') i++;
    if (i < p->len && s[i] == '.') {
        i++;
        if (i >= p->len || s[i] < '0' || s[i] > '9') return fail(p, "digit expected after '.'");
        while (i < p->len && s[i] >= '0' && s[i] <= '9') i++;
    }
    if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < p->len && (s[i] == '+' || s[i] == '-')) i++;
        if (i >= p->len || s[i] < '0' || s[i] > '9') return fail(p, "digit expected in exponent");
        while (i < p->len && s[i] >= '0' && s[i] <= '9') i++;
    }
    char buf[64];
    size_t n = i - p->pos;
    if (n >= sizeof buf) return fail(p, "number too long");
    memcpy(buf, s + p->pos, n);
    buf[n] = 0;
    errno = 0;
    double v = strtod(buf, NULL);
    if (!isfinite(v)) return fail(p, "number out of range");
    p->pos = i;
    *out = v;
    return WK_OK;
}

static int literal(parser *p, const char *word) {
    size_t n = strlen(word);
    if (p->pos + n > p->len || memcmp(p->s + p->pos, word, n)) return fail(p, "unexpected character");
    p->pos += n;
    return WK_OK;
}

/* Append `item` (and `key` for objects) to a container, taking ownership. */
static int push(parser *p, wk_json *c, char *key, wk_json *item) {
    if ((c->count & (c->count - 1)) == 0) { /* grow at powers of two */
        size_t cap = c->count ? c->count * 2 : 4;
        wk_json **items = wk_realloc(c->items, cap * sizeof *items);
        if (items) c->items = items;
        char **keys = NULL;
        if (items && c->type == WK_JSON_OBJECT) {
            keys = wk_realloc(c->keys, cap * sizeof *keys);
            if (keys) c->keys = keys;
        }
        if (!items || (c->type == WK_JSON_OBJECT && !keys)) {
            wk_free(key);
            wk_json_free(item);
            p->failed = 1;
            return wk_errorf(WK_ENOMEM, "%s: out of memory", p->source);
        }
    }
    c->items[c->count] = item;
    if (c->type == WK_JSON_OBJECT) c->keys[c->count] = key;
    c->count++;
    return WK_OK;
}

static int parse_value(parser *p, int depth, wk_json **out);

static int parse_container(parser *p, int depth, wk_json *c) {
    char close = c->type == WK_JSON_OBJECT ? '}' : ']';
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return WK_OK;
    }
    for (;;) {
        char *key = NULL;
        size_t key_len;
        skip_ws(p);
        if (c->type == WK_JSON_OBJECT) {
            if (p->pos >= p->len || p->s[p->pos] != '"') return fail(p, "object key (a string) expected");
            size_t key_pos = p->pos;
            if (parse_string(p, &key, &key_len) != WK_OK) return WK_EFORMAT;
            for (size_t i = 0; i < c->count; i++)
                if (!strcmp(c->keys[i], key)) {
                    char msg[160];
                    snprintf(msg, sizeof msg, "duplicate key \"%.100s\"", key);
                    wk_free(key);
                    p->pos = key_pos;
                    return fail(p, msg);
                }
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') {
                wk_free(key);
                return fail(p, "':' expected after object key");
            }
            p->pos++;
        }
        wk_json *item = NULL;
        if (parse_value(p, depth + 1, &item) != WK_OK) {
            wk_free(key);
            return WK_EFORMAT;
        }
        int rc = push(p, c, key, item);
        if (rc != WK_OK) return rc;
        skip_ws(p);
        if (p->pos >= p->len) return fail(p, c->type == WK_JSON_OBJECT ? "unterminated object" : "unterminated array");
        if (p->s[p->pos] == close) {
            p->pos++;
            return WK_OK;
        }
        if (p->s[p->pos] != ',') return fail(p, c->type == WK_JSON_OBJECT ? "',' or '}' expected" : "',' or ']' expected");
        p->pos++;
    }
}

static int parse_value(parser *p, int depth, wk_json **out) {
    skip_ws(p);
    if (depth > WK_JSON_MAX_DEPTH) return fail(p, "nesting too deep");
    if (p->pos >= p->len) return fail(p, "value expected, got end of input");
    char c = p->s[p->pos];
    wk_json_type t = c == '{' ? WK_JSON_OBJECT : c == '[' ? WK_JSON_ARRAY : c == '"' ? WK_JSON_STRING
                   : c == 't' || c == 'f' ? WK_JSON_BOOL : c == 'n' ? WK_JSON_NULL : WK_JSON_NUMBER;
    if (t == WK_JSON_NUMBER && c != '-' && (c < '0' || c > '9')) return fail(p, "value expected");
    wk_json *v = new_node(p, t);
    if (!v) return WK_ENOMEM;
    int rc;
    switch (t) {
    case WK_JSON_OBJECT:
    case WK_JSON_ARRAY: rc = parse_container(p, depth, v); break;
    case WK_JSON_STRING: rc = parse_string(p, &v->string, &v->string_len); break;
    case WK_JSON_BOOL: v->boolean = c == 't'; rc = literal(p, c == 't' ? "true" : "false"); break;
    case WK_JSON_NULL: rc = literal(p, "null"); break;
    default: rc = parse_number(p, &v->number); break;
    }
    if (rc != WK_OK) {
        wk_json_free(v);
        return rc;
    }
    *out = v;
    return WK_OK;
}

int wk_json_parse(const char *text, size_t len, const char *source, wk_json **out) {
    parser p = {text, len, 0, 1, 0, source ? source : "json", 0};
    *out = NULL;
    /* Tolerate a UTF-8 byte order mark, as RFC 8259 section 8.1 allows parsers to. */
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) p.pos = p.line_start = 3;
    wk_json *v = NULL;
    int rc = parse_value(&p, 0, &v);
    if (rc != WK_OK) return rc;
    skip_ws(&p);
    if (p.pos != p.len) {
        wk_json_free(v);
        return fail(&p, "unexpected text after the JSON value");
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

int wk_json_as_int64(const wk_json *v, int64_t *out) {
    const double lim = 9007199254740992.0; /* 2^53 */
    if (!v || v->type != WK_JSON_NUMBER) return wk_errorf(WK_EFORMAT, "integer expected");
    if (v->number != floor(v->number) || fabs(v->number) > lim)
        return wk_errorf(WK_EFORMAT, "%.17g is not an integer in [-2^53, 2^53]", v->number);
    *out = (int64_t)v->number;
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
