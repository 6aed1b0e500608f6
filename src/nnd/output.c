/* output.c — the small writers nnd.c, generalization.c and birthday.c share (nnd_internal.h):
 * JSON numbers that may be infinite, the output directory, atomic text files. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>

#include "nnd/nnd_internal.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/json.h"

void wk__json_num(wk_strbuf *sb, const char *key, double v) {
    wk_json_key(sb, key);
    if (isfinite(v)) wk_json_double(sb, v);
    else wk_sb_puts(sb, "null");
}

int wk__make_dir(const char *dir) {
    if (mkdir(dir, 0777) && errno != EEXIST) return wk_errorf(WK_EIO, "out %s: cannot create the directory", dir);
    return WK_OK;
}

int wk__write_sb(const char *dir, const char *name, wk_strbuf *sb) {
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = wk_sb_status(sb);
    if (!rc) rc = wk_write_file_atomic(path, sb->data ? sb->data : "", sb->len);
    wk_sb_clear(sb);
    return rc;
}
