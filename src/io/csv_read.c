/* csv_read.c — reader for delimited numeric text: one row per line, fields split by Debian's
 * libcsv (commas, or semicolons when the first line has one; "quoted" fields; spaces around
 * fields), and each field further split on blanks, so whitespace-separated files read too.
 *
 * The rules, each a fault once (issue 18):
 * - Lines end at LF, CR or CRLF; we split lines ourselves and hand libcsv one line at a time,
 *   so no number can borrow characters from the next line and every message names the line.
 * - A leading UTF-8 byte-order mark is skipped.
 * - Blank lines (spaces, tabs, \v, \f only) and lines starting with '#' are skipped.
 * - The first remaining line is a header only when none of its fields is a number; a line
 *   mixing numbers and non-numbers is an error naming the line, never silently dropped.
 * - A quote left open at the end of a line, or a stray quote inside a field, is an error naming
 *   the line (libcsv strict mode), never a row silently taken for the header.
 * - An empty field (",,", a trailing comma) is an error: collapsing it would shift columns.
 * - Every row has the same number of fields (a ragged row is reported by its line number);
 *   NaN/Inf (also a float32 overflow for wk_read_csv) is WK_ENUMERIC naming the line; a number
 *   beyond float64 (1e400) is WK_ENUMERIC saying so with its text (strtod makes it Inf); a C hex
 *   float (0x10, 0x1p3: strtod reads them) is WK_EFORMAT, fields being decimal numbers; the
 *   float64 variant (wk_io_read_csv with an f64 sink, for wk_read_points_f64) keeps the parsed
 *   doubles themselves, so 1e300 is a number there.
 * - An integer field (digits, optional sign) is read exactly or refused: above 2^53 float64 holds
 *   only some integers, and one it cannot hold (9007199254740993) is WK_EFORMAT naming the line
 *   and column, never rounded silently (strtod did); written as a float (9.007199254740993e15)
 *   it is rounded like any float. One rule per file, whichever precision the reader then keeps.
 * Memory: the value array grows with the numbers actually parsed (at most one per 2 bytes of
 * the file); failing to grow it is a too-large input (read_util.h). Result: [rows, cols]. */
#include <csv.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/read_util.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

static int blank(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }
static int blank_or_eol(char c) { return blank(c) || c == '\r' || c == '\n'; }
static int csv_space(unsigned char c) { return blank((char)c); }

typedef struct {
    const char *path;
    int f32;              /* values must also be finite as float32 */
    long line_no;
    double *vals;         /* all values so far, row-major */
    size_t n, cap;
    int64_t fields;       /* numbers and non-numbers on the current line */
    int64_t n_text;       /* non-numbers on the current line */
    int64_t empty_at;     /* 1-based index of the first empty field, 0 if none */
    int64_t field_no;     /* libcsv fields on the current line */
    char bad[96];         /* the first non-number on the line, for the message (control bytes escaped
                           * as \xNN: a NUL cut the text at a valid number, '3' for "3\0004") */
    int rc;
} csv_state;

static void csv_push(csv_state *s, double v) {
    if (s->rc) return;
    if (s->n == s->cap) {
        size_t ncap = s->cap ? 2 * s->cap : 1024;
        /* the values grow with the numbers really parsed, but within what this process may use */
        if ((s->rc = wk_io_check_fits(s->path, "the value array", (uint64_t)(ncap - s->cap) * sizeof(double))) != 0) return;
        double *nv = wk_realloc(s->vals, ncap * sizeof *nv);
        if (!nv) {
            s->rc = wk_io_too_large(s->path, "the values", (uint64_t)ncap * sizeof *nv);
            return;
        }
        s->vals = nv;
        s->cap = ncap;
    }
    s->vals[s->n++] = v;
}

/* Is the token [p, q) an integer (optional sign, decimal digits only) that float64 cannot hold
 * exactly? strtod rounds 9007199254740993 (2^53 + 1) to 2^53 without a word: an ID or a count
 * would change silently. v is strtod's value; an integer double prints exactly under %.0f, so
 * the token is exact when its digits (less a sign and leading zeros) are v's. */
static int inexact_integer(const char *p, const char *q, double v) {
    const char *d = p + (*p == '+' || *p == '-');
    if (d == q) return 0;
    for (const char *c = d; c < q; c++)
        if (*c < '0' || *c > '9') return 0; /* a float (".", "e"), hex, ...: rounding is its writer's choice */
    while (d + 1 < q && *d == '0') d++;
    if (q - d <= 15) return 0; /* up to 15 digits every integer is exact */
    char buf[400];
    int w = snprintf(buf, sizeof buf, "%.0f", fabs(v));
    return w != (int)(q - d) || memcmp(buf, d, (size_t)w) != 0;
}

/* libcsv's field callback: split the field on blanks and classify each token. */
static void csv_field(void *data, size_t len, void *ctx) {
    csv_state *s = ctx;
    const char *f = data, *end = f ? f + len : NULL;
    s->field_no++;
    if (!f || len == 0) {
        if (!s->empty_at) s->empty_at = s->field_no;
        return;
    }
    int any = 0;
    for (const char *p = f; p < end;) {
        while (p < end && blank_or_eol(*p)) p++;
        if (p == end) break;
        const char *q = p;
        while (q < end && !blank_or_eol(*q)) q++;
        any = 1;
        s->fields++;
        /* strtod stops at the blank, the field's NUL (CSV_APPEND_NULL) or an embedded NUL */
        char *e;
        errno = 0;
        double v = strtod(p, &e);
        const int w = (int)(q - p > 64 ? 64 : q - p);
        const char *more = q - p > 64 ? "..." : ""; /* a token cut for the message says so */
        if (e == q && wk_io_hex_text(p)) {
            if (!s->rc)
                s->rc = wk_errorf(WK_EFORMAT, "%s: line %ld, column %lld: '%.*s%s' is a hexadecimal number; fields must be decimal numbers",
                                  s->path, s->line_no, (long long)s->fields, w, p, more);
        } else if (e == q && errno == ERANGE && isinf(v)) { /* not "Inf": the file holds a number */
            if (!s->rc)
                s->rc = wk_errorf(WK_ENUMERIC, "%s: line %ld, column %lld: %.*s%s overflows float64 (beyond +-%.17g)", s->path,
                                  s->line_no, (long long)s->fields, w, p, more, DBL_MAX);
        } else if (e == q && inexact_integer(p, q, v)) {
            if (!s->rc)
                s->rc = wk_errorf(WK_EFORMAT, "%s: line %ld, column %lld: the integer %.*s%s has no exact float64 value (the nearest "
                                              "is %.0f); write it as a float (e.g. %.16e) to accept the rounding",
                                  s->path, s->line_no, (long long)s->fields, w, p, more, v, v);
        } else if (e == q) {
            csv_push(s, v);
        } else if (s->n_text++ == 0) {
            size_t o = 0;
            const char *c = p;
            for (; c < q && o + 8 < sizeof s->bad; c++) {
                const unsigned char b = (unsigned char)*c;
                if (b >= 32 && b != 127) s->bad[o++] = (char)b;
                else o += (size_t)snprintf(s->bad + o, sizeof s->bad - o, "\\x%02x", b);
            }
            snprintf(s->bad + o, sizeof s->bad - o, "%s", c < q ? "..." : "");
        }
        p = q;
    }
    if (!any && !s->empty_at) s->empty_at = s->field_no; /* a quoted field of blanks */
}

int wk_io_parse_csv(const char *path, const char *text, size_t len, int f32, double **vals, int64_t *rows_out,
                    int64_t *cols_out) {
    *vals = NULL;
    *rows_out = *cols_out = 0;
    csv_state s = {.path = path, .f32 = f32};
    struct csv_parser p;
    /* CSV_STRICT + CSV_STRICT_FINI: a stray quote inside a field and a quote left open at the end of
     * a line are errors naming the line; lenient libcsv would turn '"1,2' into one text field and
     * the line would silently become the header. */
    if (csv_init(&p, CSV_APPEND_NULL | CSV_EMPTY_IS_NULL | CSV_STRICT | CSV_STRICT_FINI) != 0)
        return wk_errorf(WK_ENOMEM, "%s: cannot start the CSV parser", path);
    csv_set_space_func(&p, csv_space);
    csv_set_realloc_func(&p, wk_realloc);
    csv_set_free_func(&p, wk_free);
    const char *stop = text + len, *l = text;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) l += 3; /* UTF-8 byte-order mark */
    int64_t rows = 0, cols = -1;
    int first = 1;
    while (l < stop && !s.rc) {
        const char *e = l;
        while (e < stop && *e != '\n' && *e != '\r') e++;
        const char *next = e < stop && *e == '\r' && e + 1 < stop && e[1] == '\n' ? e + 2 : e + 1;
        s.line_no++;
        const char *q = l;
        while (q < e && blank(*q)) q++;
        if (q == e || *q == '#') {
            l = next;
            continue;
        }
        if (first && memchr(q, ';', (size_t)(e - q))) csv_set_delim(&p, ';');
        size_t line_start = s.n;
        s.fields = s.n_text = s.empty_at = s.field_no = 0;
        int parsed = csv_parse(&p, q, (size_t)(e - q), csv_field, NULL, &s) == (size_t)(e - q);
        if (!parsed || csv_fini(&p, csv_field, NULL, &s) != 0) {
            if (!s.rc && csv_error(&p) == CSV_EPARSE)
                s.rc = wk_errorf(WK_EFORMAT, "%s: line %ld: %s", path, s.line_no,
                                 parsed ? "unterminated quote" : "misplaced quote (a quote inside an unquoted field "
                                                                  "or text after a closing quote)");
            else if (!s.rc)
                s.rc = wk_io_too_large(path, "a CSV field", (uint64_t)(e - q));
            break;
        }
        if (s.rc) break;
        int64_t nums = s.fields - s.n_text;
        if (first && nums == 0) {
            first = 0; /* the header: no field of it is a number */
        } else if (s.n_text) {
            s.rc = wk_errorf(WK_EFORMAT, "%s: line %ld: '%s' is not a number%s", path, s.line_no, s.bad,
                             first ? " (a header line must have no numeric field)" : "");
        } else if (s.empty_at) {
            s.rc = wk_errorf(WK_EFORMAT, "%s: line %ld: field %lld is empty", path, s.line_no, (long long)s.empty_at);
        } else if (cols >= 0 && nums != cols) {
            s.rc = wk_errorf(WK_EFORMAT, "%s: line %ld has %lld fields, earlier rows have %lld (ragged rows)", path,
                             s.line_no, (long long)nums, (long long)cols);
        } else {
            for (size_t i = line_start; i < s.n; i++)
                if (!isfinite(s.vals[i]) || (s.f32 && fabs(s.vals[i]) > FLT_MAX)) {
                    char what[64];
                    if (isfinite(s.vals[i])) /* a finite number float32 cannot hold: say so, not "Inf" */
                        snprintf(what, sizeof what, "%.17g, beyond float32's range", s.vals[i]);
                    else
                        snprintf(what, sizeof what, "%s", isnan(s.vals[i]) ? "NaN" : "Inf");
                    s.rc = wk_errorf(WK_ENUMERIC, "%s: line %ld (row %lld, column %lld) is %s", path, s.line_no,
                                     (long long)rows, (long long)(i - line_start), what);
                    break;
                }
            cols = nums;
            rows++;
            first = 0;
        }
        l = next;
    }
    csv_free(&p);
    if (!s.rc && rows == 0) s.rc = wk_errorf(WK_EFORMAT, "%s: no numeric rows (empty file?)", path);
    if (s.rc) {
        wk_free(s.vals);
        return s.rc;
    }
    *vals = s.vals;
    *rows_out = rows;
    *cols_out = cols;
    return WK_OK;
}

int wk_read_csv(const char *path, wk_tensor *out) { return wk_io_read_csv(path, out, NULL); }

int wk_io_read_csv(const char *path, wk_tensor *out, double **f64) {
    memset(out, 0, sizeof *out);
    if (f64) *f64 = NULL;
    unsigned char *buf;
    size_t len;
    int rc = wk_io_read_file(path, WK_IO_NO_LIMIT, &buf, &len);
    if (rc) return rc;
    double *vals;
    int64_t shape[2];
    rc = wk_io_parse_csv(path, (const char *)buf, len, !f64, &vals, &shape[0], &shape[1]);
    wk_free(buf);
    if (rc) return rc;
    if (f64) { /* the parsed doubles are the float64 output: no copy */
        if ((rc = wk_tensor_set_shape(out, 2, shape)) != 0) {
            wk_free(vals);
            return wk_error_context(rc, "%s", path);
        }
        *f64 = vals;
        return WK_OK;
    }
    if ((rc = wk_io_alloc_tensor(path, out, 2, shape)) == WK_OK)
        for (int64_t i = 0; i < shape[0] * shape[1]; i++) out->data[i] = (float)vals[i];
    wk_free(vals);
    return rc;
}
