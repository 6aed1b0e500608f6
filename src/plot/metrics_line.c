/* metrics_line.c — one line of a run's metrics.jsonl checked (report.h): a JSON object of at
 * most WK_METRICS_LINE_MAX bytes, no NUL byte, with a numeric "step" that is an integer in
 * [0, 2^53]. Both readers of the log use it — `train --resume`, which refuses a bad line rather
 * than drop it (and rewrite metrics.csv from what is left), and the report, which skips it and
 * says which — so they agree on what a good line is.
 * Invariant: every line train writes (wk_gan_metrics_to_json) passes. */
#include <math.h>
#include <string.h>

#include "wgankit/error.h"
#include "wgankit/json.h"
#include "wgankit/report.h"

int wk_metrics_line_parse(const char *line, size_t n, const char *path, long long lineno, wk_json **out, int64_t *step) {
    *out = NULL;
    if (n > WK_METRICS_LINE_MAX)
        return wk_errorf(WK_EFORMAT, "%s line %lld: %zu bytes long (a metrics line is at most %d bytes)", path, lineno, n,
                         WK_METRICS_LINE_MAX);
    if (memchr(line, 0, n)) return wk_errorf(WK_EFORMAT, "%s line %lld: holds a NUL byte (the file is damaged)", path, lineno);
    wk_json *o = NULL;
    int rc = wk_json_parse(line, n, path, &o);
    if (rc == WK_ENOMEM) return rc;
    if (rc) { /* "PATH:1:COL: what" (the line is the parser's whole text): say it by the file's line */
        char m[512]; /* a copy: the message is formatted into the slot it would be read from */
        snprintf(m, sizeof m, "%s", wk_last_error());
        const char *col = strncmp(m, path, strlen(path)) ? NULL : m + strlen(path);
        if (col && !strncmp(col, ":1:", 3)) return wk_errorf(WK_EFORMAT, "%s line %lld, column %s", path, lineno, col + 3);
        return wk_error_context(WK_EFORMAT, "%s line %lld", path, lineno);
    }
    const wk_json *s = wk_json_get(o, "step"); /* NULL unless o is an object holding "step" */
    if (o->type != WK_JSON_OBJECT) rc = wk_errorf(WK_EFORMAT, "%s line %lld: not a JSON object", path, lineno);
    else if (!s || s->type != WK_JSON_NUMBER) rc = wk_errorf(WK_EFORMAT, "%s line %lld: no numeric \"step\"", path, lineno);
    else if (!(s->number >= 0 && s->number <= 9007199254740992.0 && s->number == floor(s->number)))
        rc = wk_errorf(WK_EFORMAT, "%s line %lld: \"step\" %.17g is not a step count (an integer in [0, 2^53])", path, lineno,
                       s->number);
    if (rc) {
        wk_json_free(o);
        return rc;
    }
    *step = (int64_t)s->number;
    *out = o;
    return WK_OK;
}
