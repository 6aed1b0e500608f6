/* test_json.c — the JSON parser (jansson behind json.h) accepts what RFC 8259 allows (escapes,
 * surrogate pairs, numbers), rejects what it forbids with line:column messages (jansson's words),
 * records where each value starts, and the writer's output
 * parses back to the same values (floats and doubles round-trip exactly). */
#include "check.h"
#include "wgankit/error.h"
#include "wgankit/json.h"

#include <string.h>

static wk_json *parse(const char *s) {
    wk_json *v = NULL;
    int rc = wk_json_parse(s, strlen(s), "t.json", &v);
    return rc == WK_OK ? v : NULL;
}

/* Parsing must fail and the message must contain `want`. */
static void expect_error(const char *text, const char *want) {
    wk_json *v = NULL;
    int rc = wk_json_parse(text, strlen(text), "t.json", &v);
    CHECK(rc == WK_EFORMAT && !v, "'%s' should be rejected (rc %d)", text, rc);
    CHECK(strstr(wk_last_error(), want) != NULL, "'%s': message '%s' lacks '%s'", text, wk_last_error(), want);
}

int main(void) {
    wk_json *v = parse("{\"a\": [1, -2.5e3, 0.125, true, false, null], \"s\": \"x\\\"y\\\\z\\n\\u00e9\\ud83d\\ude00\","
                       " \"nested\": {\"k\": {}} , \"e\": []}");
    REQUIRE(v, "valid document: %s", wk_last_error());
    CHECK(v->type == WK_JSON_OBJECT && v->count == 4, "object with 4 keys");
    const wk_json *a = wk_json_get(v, "a");
    CHECK(a && a->type == WK_JSON_ARRAY && a->count == 6, "array of 6");
    CHECK(wk_json_at(a, 0)->number == 1 && wk_json_at(a, 1)->number == -2500 && wk_json_at(a, 2)->number == 0.125, "numbers");
    CHECK(wk_json_at(a, 3)->boolean == 1 && wk_json_at(a, 4)->type == WK_JSON_BOOL && !wk_json_at(a, 4)->boolean, "booleans");
    CHECK(wk_json_at(a, 5)->type == WK_JSON_NULL, "null");
    CHECK(wk_json_at(a, 6) == NULL, "out-of-range index gives NULL");
    const wk_json *s = wk_json_get(v, "s");
    CHECK(s && !strcmp(s->string, "x\"y\\z\n\xC3\xA9\xF0\x9F\x98\x80"), "escapes and surrogate pair decode to UTF-8");
    CHECK(wk_json_get(wk_json_get(v, "nested"), "k")->type == WK_JSON_OBJECT, "nested object");
    CHECK(wk_json_get(v, "missing") == NULL && wk_json_get(a, "a") == NULL, "missing key / wrong type give NULL");
    CHECK(wk_json_get(v, "a")->line == 1 && wk_json_get(v, "a")->column == 7, "value position recorded");

    /* positions come from a cursor walking the text beside jansson's tree: escaped quotes,
     * brackets inside strings, nesting, empty containers and a byte order mark do not lose it */
    {
        const char *doc = "\xEF\xBB\xBF{\"k\\\"]}\": [ {}, [],\n  \"a,]\"],\n\t\"n\": {\"x\": -1.5e2,\n \"y\": [true, null]}}";
        wk_json *pv = NULL;
        REQUIRE(wk_json_parse(doc, strlen(doc), "pos", &pv) == WK_OK, "positions document: %s", wk_last_error());
        const wk_json *k = pv->items[0], *n = wk_json_get(pv, "n"), *y = wk_json_get(n, "y");
        CHECK(!strcmp(pv->keys[0], "k\"]}") && k->line == 1 && k->column == 11, "first value at 1:11, got %d:%d", k->line, k->column);
        CHECK(wk_json_at(k, 1)->line == 1 && wk_json_at(k, 1)->column == 17, "empty array at 1:17, got %d:%d", wk_json_at(k, 1)->line,
              wk_json_at(k, 1)->column);
        CHECK(wk_json_at(k, 2)->line == 2 && wk_json_at(k, 2)->column == 3, "string on line 2 at 2:3, got %d:%d", wk_json_at(k, 2)->line,
              wk_json_at(k, 2)->column);
        CHECK(wk_json_get(n, "x")->line == 3 && wk_json_get(n, "x")->column == 13 && wk_json_get(n, "x")->number == -150,
              "number at 3:13, got %d:%d", wk_json_get(n, "x")->line, wk_json_get(n, "x")->column);
        CHECK(y->line == 4 && y->column == 7 && wk_json_at(y, 1)->line == 4 && wk_json_at(y, 1)->column == 14,
              "nested array at 4:7 and its null at 4:14, got %d:%d and %d:%d", y->line, y->column, wk_json_at(y, 1)->line,
              wk_json_at(y, 1)->column);
        wk_json_free(pv);
    }

    int64_t i64;
    CHECK(wk_json_as_int64(wk_json_at(a, 1), &i64) == WK_OK && i64 == -2500, "integer value");
    CHECK(wk_json_as_int64(wk_json_at(a, 2), &i64) == WK_EFORMAT, "0.125 is not an integer");

    /* integers from the literal, exactly (FINDINGS round 6, 4f): jansson's double rounds 2^53 + 1
     * and 1.0000000000000001 */
    /* say: what a refusal names, the literal, or the number in its shortest form where the double
     * reads exactly and the literal is not kept (125e-2 is 1.25) */
    const struct { const char *lit, *want, *say; } ints[] = {
        {"9007199254740993", "9007199254740993", NULL}, {"1.0000000000000001", NULL, NULL}, {"1.0", "1", NULL}, {"-0", "0", NULL},
        {"0.0e5", "0", NULL}, {"1e3", "1000", NULL}, {"120e-1", "12", NULL}, {"125e-2", NULL, "1.25"}, {"-2.5E1", "-25", NULL},
        {"1e-400", NULL, NULL}, {"12345678901234567890123456789", "12345678901234567890123456789", NULL}, {"1e41", NULL, NULL},
        {"100.000", "100", NULL}, {"999999999999999", "999999999999999", NULL}, {"-9007199254740991", "-9007199254740991", NULL},
        {"9007199254740992", "9007199254740992", NULL}, {"0.999999999999999", NULL, "0.999999999999999"},
        {"123456789012345e10", "1234567890123450000000000", NULL}};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        char doc[96], got[64];
        snprintf(doc, sizeof doc, "[%s]", ints[i].lit);
        wk_json *iv = parse(doc);
        int rc = wk_json_integer_text(wk_json_at(iv, 0), got, sizeof got);
        CHECK(ints[i].want ? rc == WK_OK && !strcmp(got, ints[i].want)
                           : rc == WK_EFORMAT && strstr(wk_last_error(), ints[i].say ? ints[i].say : ints[i].lit),
              "integer text of %s: rc %d '%s' (want %s)", ints[i].lit, rc, rc ? wk_last_error() : got, ints[i].want ? ints[i].want : "refused");
        if (!strcmp(ints[i].lit, "9007199254740993"))
            CHECK(wk_json_as_int64(wk_json_at(iv, 0), &i64) == WK_EFORMAT && strstr(wk_last_error(), "9007199254740993"),
                  "2^53 + 1 is beyond [-2^53, 2^53], said with its own digits: %s", wk_last_error());
        wk_json_free(iv);
    }

    /* numbers keep their literal only where the double may not read it exactly (was: every number,
     * a string beside each node of a numeric array): not for doubles nor integers below 2^53 */
    {
        wk_json *arr = parse("[0.5, 1, -2500, 0.30000000000000004, 1e3, 6.02214076e-23, 3.141592653589793, 0, -0.0, 1e-300,"
                             " 999999999999999, -9007199254740991, 2.5e-7]");
        size_t kept = 0;
        for (size_t i = 0; arr && i < arr->count; i++) kept += wk_json_at(arr, i)->text != NULL;
        CHECK(arr && arr->count == 13 && kept == 0, "ordinary numbers keep no literal text: %zu of 13 do", kept);
        wk_json_free(arr);
        arr = parse("[9007199254740993, 1.0000000000000001, 1e-400, 1e41, 12345678901234567, 9007199254740991.0]");
        kept = 0;
        for (size_t i = 0; arr && i < arr->count; i++) kept += wk_json_at(arr, i)->text != NULL;
        CHECK(arr && kept == 6, "literals the double cannot read exactly are kept: %zu of 6", kept);
        wk_json_free(arr);
    }

    /* serialize and reparse gives the same text */
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_json_write(&sb, v);
    wk_json *v2 = parse(sb.data);
    REQUIRE(v2, "reparse of '%s': %s", sb.data, wk_last_error());
    wk_strbuf sb2;
    wk_sb_init(&sb2);
    wk_json_write(&sb2, v2);
    CHECK(!strcmp(sb.data, sb2.data), "write/parse/write is stable:\n%s\n%s", sb.data, sb2.data);
    wk_json_free(v2);
    wk_json_free(v);

    /* errors with line:column */
    expect_error("{\"a\": 1,\n  \"b\": }", "t.json:2:8:");
    expect_error("[1, 2,]", "unexpected token near ']'");
    expect_error("{\"a\":1,}", "string or '}' expected");
    expect_error("{\"a\":1 \"b\":2}", "'}' expected near '\"b\"'");
    expect_error("[1 2]", "']' expected near '2'");
    expect_error("{\"a\":1, \"a\":2}", "duplicate object key near '\"a\"'");
    expect_error("\"abc", "premature end of input");
    expect_error("\"a\\qb\"", "invalid escape");
    expect_error("\"\\ud83d\"", "invalid Unicode '\\uD83D'");
    expect_error("\"\\ude00\"", "invalid Unicode '\\uDE00'");
    expect_error("\"\\u12g4\"", "invalid escape");
    expect_error("\"tab\there\"", "control character");
    expect_error("\"\xC3\x28\"", "unable to decode byte 0xc3");
    expect_error("01", "invalid token near '0'");
    expect_error("1.", "invalid token near '1.'");
    expect_error("1e", "invalid token near '1e'");
    expect_error("-", "invalid token near '-'");
    expect_error("NaN", "invalid token near 'NaN'");
    expect_error("1e999", "real number overflow");
    expect_error("tru", "invalid token near 'tru'");
    expect_error("", "near end of file");
    expect_error("[1] x", "end of file expected near 'x'");
    expect_error("[", "']' expected near end of file");
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    wk_json *dv = NULL;
    CHECK(wk_json_parse(deep, 200, "deep", &dv) == WK_EFORMAT && strstr(wk_last_error(), "nesting too deep"),
          "depth limit: %s", wk_last_error());

    /* writer: escaping, keys with automatic commas, round-tripping numbers */
    wk_sb_clear(&sb);
    wk_sb_putc(&sb, '{');
    wk_json_key(&sb, "q\"\\\n\x01");
    wk_json_string(&sb, "v");
    wk_json_key(&sb, "f");
    wk_json_float(&sb, 0.1f);
    wk_json_key(&sb, "d");
    wk_json_double(&sb, 0.1);
    wk_json_key(&sb, "third");
    wk_json_double(&sb, 1.0 / 3.0);
    wk_json_key(&sb, "nan");
    wk_json_double(&sb, NAN);
    wk_json_key(&sb, "i");
    wk_json_int(&sb, -9007199254740992LL);
    wk_json_key(&sb, "arr");
    wk_sb_putc(&sb, '[');
    for (int k = 0; k < 3; k++) { wk_json_sep(&sb); wk_json_int(&sb, k); }
    wk_sb_puts(&sb, "]}");
    CHECK(!strcmp(sb.data, "{\"q\\\"\\\\\\n\\u0001\":\"v\",\"f\":0.100000001,\"d\":0.1,\"third\":0.3333333333333333,"
                           "\"nan\":null,\"i\":-9007199254740992,\"arr\":[0,1,2]}"),
          "writer output: %s", sb.data);
    v = parse(sb.data);
    REQUIRE(v, "writer output parses: %s", wk_last_error());
    CHECK((float)wk_json_get(v, "f")->number == 0.1f, "float round trip");
    CHECK(wk_json_get(v, "third")->number == 1.0 / 3.0, "double round trip");
    CHECK(!strcmp(v->keys[0], "q\"\\\n\x01"), "key round trip");
    wk_json_free(v);
    wk_sb_free(&sb);
    wk_sb_free(&sb2);
    /* the one suffix test (strbuf.h): names shorter than the suffix, the empty suffix, case */
    CHECK(wk_str_ends_with("critic.0.running_var", ".running_var") && wk_str_ends_with("a.bin.gz", ".bin.gz") &&
              wk_str_ends_with("x", "") && wk_str_ends_with(".npy", ".npy"),
          "suffixes found");
    CHECK(!wk_str_ends_with("npy", ".npy") && !wk_str_ends_with("", "x") && !wk_str_ends_with("a.NPY", ".npy") &&
              !wk_str_ends_with("a.npy.gz", ".npy"),
          "non-suffixes refused");
    return check_summary("test_json");
}
