/* csv_read.c — reader for delimited text: one row per line, fields separated by commas
 * and/or whitespace, '#' comment lines and blank lines skipped, an optional non-numeric header
 * as the first line. Every row must have the same number of fields (a ragged row is reported
 * by its line number); NaN/Inf is reported as WK_ENUMERIC by line. Result: [rows, cols]. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/read_util.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

static int csv_is_sep(char c) { return c == ',' || c == ' ' || c == '\t' || c == ';' || c == '\r'; }

/* Parse one line [p, end) into vals (may be NULL to only count). Returns the number of fields,
 * or -1 if a field is not a number (then *bad points at it). */
static long csv_parse_line(const char *p, const char *end, double *vals, const char **bad) {
    long n = 0;
    while (p < end) {
        while (p < end && csv_is_sep(*p)) p++;
        if (p >= end) break;
        char *e;
        double v = strtod(p, &e);
        if (e == p || (e < end && !csv_is_sep(*e))) {
            *bad = p;
            return -1;
        }
        if (vals) vals[n] = v;
        n++;
        p = e;
    }
    return n;
}

int wk_read_csv(const char *path, wk_tensor *out) { return wk_io_read_csv(path, out, NULL); }

int wk_io_read_csv(const char *path, wk_tensor *out, double **f64) {
    memset(out, 0, sizeof *out);
    unsigned char *buf;
    size_t len;
    int rc = wk_io_slurp(path, &buf, &len);
    if (rc) return rc;
    const char *text = (const char *)buf, *stop = text + len;
    /* Pass 1: count rows and columns, check the shape is rectangular. */
    long cols = -1, rows = 0, line_no = 0;
    int header_seen = 0;
    for (const char *p = text; p < stop && !rc;) {
        const char *e = memchr(p, '\n', (size_t)(stop - p));
        if (!e) e = stop;
        line_no++;
        const char *q = p;
        while (q < e && csv_is_sep(*q)) q++;
        if (q < e && *q != '#') {
            const char *bad = NULL;
            long n = csv_parse_line(q, e, NULL, &bad);
            if (n < 0) {
                if (rows == 0 && !header_seen) {
                    header_seen = 1; /* the optional header line */
                } else {
                    int w = 0;
                    while (bad + w < e && !csv_is_sep(bad[w]) && w < 20) w++;
                    rc = wk_errorf(WK_EFORMAT, "%s: line %ld: '%.*s' is not a number", path, line_no, w, bad);
                }
            } else if (cols < 0) {
                cols = n;
                rows = 1;
            } else if (n != cols) {
                rc = wk_errorf(WK_EFORMAT, "%s: line %ld has %ld fields, earlier rows have %ld (ragged rows)", path,
                               line_no, n, cols);
            } else {
                rows++;
            }
        }
        p = e + 1;
    }
    if (!rc && rows == 0) rc = wk_errorf(WK_EFORMAT, "%s: no numeric rows (empty file?)", path);
    if (rc) goto done;
    int64_t shape[2] = {rows, cols};
    if ((rc = wk_io_alloc_out(path, out, f64, 2, shape)) != 0) goto done;
    double *d64 = f64 ? *f64 : NULL;
    double *vals = wk_malloc((size_t)cols * sizeof *vals);
    if (!vals) {
        rc = WK_ENOMEM;
        wk_io_free_out(out, f64);
        goto done;
    }
    /* Pass 2: convert, checking finiteness per line so the message names the line. */
    long r = 0;
    line_no = 0;
    header_seen = 0;
    for (const char *p = text; p < stop && r < rows;) {
        const char *e = memchr(p, '\n', (size_t)(stop - p));
        if (!e) e = stop;
        line_no++;
        const char *q = p, *bad = NULL;
        while (q < e && csv_is_sep(*q)) q++;
        if (q < e && *q != '#' && csv_parse_line(q, e, vals, &bad) >= 0) {
            for (long c = 0; c < cols; c++) {
                /* finite in the precision kept: 1e300 is a number in float64, Inf in float32 */
                double v = d64 ? vals[c] : (double)(float)vals[c];
                if (!isfinite(v)) {
                    rc = wk_errorf(WK_ENUMERIC, "%s: line %ld (row %ld, column %ld) is %s", path, line_no, r, c,
                                   isnan(v) ? "NaN" : "Inf");
                    break;
                }
                wk_io_put(out, d64, r * cols + c, v);
            }
            if (rc) break;
            r++;
        }
        p = e + 1;
    }
    wk_free(vals);
    if (rc) wk_io_free_out(out, f64);
done:
    wk_free(buf);
    return rc;
}
