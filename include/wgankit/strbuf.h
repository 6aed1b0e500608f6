/* strbuf.h — a growable byte string for building text (JSON, SVG, HTML) in memory.
 *
 * Appends never fail loudly: the first allocation failure sets a sticky flag and later appends
 * are ignored, so a builder can append many pieces and check once with wk_sb_status(). The
 * buffer is always NUL-terminated (when data != NULL). Memory goes through wk_malloc.
 * Also the library's one suffix test of names (file extensions, tensor names). */
#ifndef WGANKIT_STRBUF_H
#define WGANKIT_STRBUF_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wk_strbuf {
    char *data;
    size_t len, cap;
    int failed; /* 1 after an allocation failure */
} wk_strbuf;

void wk_sb_init(wk_strbuf *sb);
void wk_sb_free(wk_strbuf *sb);
void wk_sb_clear(wk_strbuf *sb); /* len = 0, keeps the memory */
void wk_sb_append(wk_strbuf *sb, const void *bytes, size_t n);
void wk_sb_puts(wk_strbuf *sb, const char *s);
void wk_sb_putc(wk_strbuf *sb, char c);
void wk_sb_printf(wk_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text with & < > " ' replaced by entities, for XML/SVG/HTML text and attribute values. */
void wk_sb_append_xml(wk_strbuf *sb, const char *s);
/* Standard base64 (RFC 4648, with padding) of `n` bytes, for data: URIs. */
void wk_sb_append_base64(wk_strbuf *sb, const void *bytes, size_t n);
/* WK_OK, or WK_ENOMEM (with message) if any append failed. */
int wk_sb_status(const wk_strbuf *sb);

/* 1 when s ends in suffix (case-sensitive; "" ends every string), else 0. */
int wk_str_ends_with(const char *s, const char *suffix);

#ifdef __cplusplus
}
#endif
#endif
