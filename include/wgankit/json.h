/* json.h — a small JSON (RFC 8259) DOM and the writing helpers for config.json,
 * metrics.jsonl, safetensors headers and config files.
 *
 * Parsing (Debian's jansson underneath, src/io/json.c) builds a tree of wk_json nodes owned by
 * the root (free with wk_json_free), each knowing where its value starts. Strict:
 * no comments, no trailing commas, no NaN, no duplicate object keys, invalid UTF-8 and lone
 * surrogates rejected, nesting at most WK_JSON_MAX_DEPTH. Errors are WK_EFORMAT with
 * "<source>:<line>:<column>: <what>" in the message.
 *
 * Writing appends to a wk_strbuf: strings escaped, floats as %.9g (round-trips float32),
 * doubles in the shortest form that round-trips, non-finite numbers as null (JSON has no NaN).
 * wk_json_key inserts the comma between members by itself:
 *
 *     wk_sb_putc(&sb, '{');
 *     wk_json_key(&sb, "step"); wk_json_int(&sb, 100);
 *     wk_json_key(&sb, "loss_d"); wk_json_float(&sb, loss);
 *     wk_sb_puts(&sb, "}\n");
 */
#ifndef WGANKIT_JSON_H
#define WGANKIT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "wgankit/strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WK_JSON_MAX_DEPTH 64

typedef enum {
    WK_JSON_NULL,
    WK_JSON_BOOL,
    WK_JSON_NUMBER,
    WK_JSON_STRING,
    WK_JSON_ARRAY,
    WK_JSON_OBJECT
} wk_json_type;

typedef struct wk_json wk_json;
struct wk_json {
    wk_json_type type;
    int boolean;       /* BOOL */
    double number;     /* NUMBER (jansson's double: rounded above 2^53 and in its fraction) */
    char *text;        /* NUMBER: the literal as written where `number` may not give its exact integer reading
                        * (integral and > 15 digits, >= 2^53, underflow to 0); NULL for others, which
                        * the double reads exactly (json.c, literal_needed): no second copy of a data array */
    char *string;      /* STRING: UTF-8, NUL-terminated (may hold \u0000; see string_len) */
    size_t string_len;
    size_t count;      /* ARRAY / OBJECT: number of items */
    wk_json **items;   /* ARRAY / OBJECT values, in document order */
    char **keys;       /* OBJECT keys, parallel to items */
    int line, column;  /* where the value starts (1-based), for callers' error messages */
};

/* Parse `len` bytes of `text`; `source` names it in error messages (a file name, "header"). */
int wk_json_parse(const char *text, size_t len, const char *source, wk_json **out);
/* Read and parse a whole file; errors name the file. */
int wk_json_parse_file(const char *path, wk_json **out);
void wk_json_free(wk_json *v);

/* Lookups: NULL when absent or when `v` has the wrong type. */
const wk_json *wk_json_get(const wk_json *obj, const char *key);
const wk_json *wk_json_at(const wk_json *arr, size_t i);
/* The number as an exact integer: WK_EFORMAT unless `v` is a number with no fractional part
 * within +-2^53 (doubles represent every integer there exactly). */
int wk_json_as_int64(const wk_json *v, int64_t *out);
/* The exact integer a NUMBER literal denotes ("12", "1.2e1", "120e-1" -> "12"), as decimal digits
 * with an optional '-' in buf; WK_EFORMAT (message quoting the literal) when it is not exactly an
 * integer ("1.0000000000000001") or has more than 40 digits. */
int wk_json_integer_text(const wk_json *v, char *buf, size_t cap);
const char *wk_json_type_name(wk_json_type t);

/* ---- writing ---------------------------------------------------------------------------- */
void wk_json_string(wk_strbuf *sb, const char *s);           /* quoted and escaped */
void wk_json_string_n(wk_strbuf *sb, const char *s, size_t n);
void wk_json_float(wk_strbuf *sb, float v);                  /* %.9g */
void wk_json_double(wk_strbuf *sb, double v);                /* shortest round-trip form */
void wk_json_int(wk_strbuf *sb, int64_t v);
/* A logged number (metrics.jsonl, eval's JSON): ',' as wk_json_key, "key": v; a value JSON cannot
 * hold is null with its reason beside it, "<key>_null": `reason` for +Inf (NULL: "not finite"),
 * WK_JSON_NEG_INF_REASON for -Inf, WK_JSON_NAN_REASON for NaN. wk_json_logged reads it back: the
 * number; null with a reason: NaN for WK_JSON_NAN_REASON, -Inf for a reason ending in ": -Inf",
 * else +Inf (files of builds before the sign was kept said "not finite" for both); NaN when the
 * key is absent or null without a reason. */
#define WK_JSON_NEG_INF_REASON "not finite: -Inf"
#define WK_JSON_NAN_REASON "not a number"
void wk_json_logged_double(wk_strbuf *sb, const char *key, double v, const char *reason);
double wk_json_logged(const wk_json *obj, const char *key);
/* ',' if the buffer does not end in '{' or '[' (or is empty), then "key": */
void wk_json_key(wk_strbuf *sb, const char *key);
/* ',' if the buffer does not end in '{' or '[' — use before an array element. */
void wk_json_sep(wk_strbuf *sb);
/* Serialize a DOM value compactly (object keys in document order). */
void wk_json_write(wk_strbuf *sb, const wk_json *v);

#ifdef __cplusplus
}
#endif
#endif
