/* strbuf.c — growable text buffer with a sticky failure flag, and the suffix test of names (see strbuf.h). */
#include "wgankit/strbuf.h"
#include "wgankit/error.h"
#include "wgankit/tensor.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void wk_sb_init(wk_strbuf *sb) { memset(sb, 0, sizeof *sb); }

void wk_sb_free(wk_strbuf *sb) {
    wk_free(sb->data);
    wk_sb_init(sb);
}

void wk_sb_clear(wk_strbuf *sb) {
    sb->len = 0;
    if (sb->data) sb->data[0] = 0;
}

/* Make room for `extra` more bytes plus the terminating NUL; 0 on failure (flag set). */
static int reserve(wk_strbuf *sb, size_t extra) {
    if (sb->failed) return 0;
    if (sb->len + extra + 1 <= sb->cap) return 1;
    size_t cap = sb->cap ? sb->cap : 256;
    while (cap < sb->len + extra + 1) {
        if (cap > ((size_t)-1) / 2) { sb->failed = 1; return 0; }
        cap *= 2;
    }
    char *p = wk_realloc(sb->data, cap);
    if (!p) { sb->failed = 1; return 0; }
    sb->data = p;
    sb->cap = cap;
    return 1;
}

void wk_sb_append(wk_strbuf *sb, const void *bytes, size_t n) {
    if (!reserve(sb, n)) return;
    if (n) memcpy(sb->data + sb->len, bytes, n);
    sb->len += n;
    sb->data[sb->len] = 0;
}

void wk_sb_puts(wk_strbuf *sb, const char *s) { wk_sb_append(sb, s, strlen(s)); }
void wk_sb_putc(wk_strbuf *sb, char c) { wk_sb_append(sb, &c, 1); }

void wk_sb_printf(wk_strbuf *sb, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(sb, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void wk_sb_append_xml(wk_strbuf *sb, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&': wk_sb_puts(sb, "&amp;"); break;
        case '<': wk_sb_puts(sb, "&lt;"); break;
        case '>': wk_sb_puts(sb, "&gt;"); break;
        case '"': wk_sb_puts(sb, "&quot;"); break;
        case '\'': wk_sb_puts(sb, "&#39;"); break;
        default: wk_sb_putc(sb, *s);
        }
    }
}

void wk_sb_append_base64(wk_strbuf *sb, const void *bytes, size_t n) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = bytes;
    if (!reserve(sb, (n + 2) / 3 * 4)) return;
    char *o = sb->data + sb->len;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        *o++ = alphabet[v >> 18 & 63]; *o++ = alphabet[v >> 12 & 63];
        *o++ = alphabet[v >> 6 & 63];  *o++ = alphabet[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
        *o++ = alphabet[v >> 18 & 63]; *o++ = alphabet[v >> 12 & 63];
        *o++ = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
        *o++ = '=';
    }
    sb->len = (size_t)(o - sb->data);
    sb->data[sb->len] = 0;
}

int wk_sb_status(const wk_strbuf *sb) {
    return sb->failed ? wk_errorf(WK_ENOMEM, "out of memory while building text") : WK_OK;
}

int wk_str_ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !memcmp(s + n - m, suffix, m);
}
