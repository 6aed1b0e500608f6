/* error.c — the thread-local error slot behind wk_errorf / wk_last_error (see error.h). */
#include "wgankit/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char slot[1024];
static _Thread_local int slot_code;

int wk_errorf(int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(slot, sizeof slot, fmt, ap);
    va_end(ap);
    slot_code = code;
    return code;
}

int wk_error_context(int code, const char *fmt, ...) {
    char prefix[512], old[sizeof slot];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, slot, sizeof old);
    /* prefix, ": ", then as much of the old message as fits */
    size_t n = strlen(prefix);
    if (n > sizeof slot - 3) n = sizeof slot - 3;
    memcpy(slot, prefix, n);
    memcpy(slot + n, ": ", 2);
    size_t rest = sizeof slot - n - 3;
    size_t m = strnlen(old, rest);
    memcpy(slot + n + 2, old, m);
    slot[n + 2 + m] = 0;
    slot_code = code;
    return code;
}

const char *wk_last_error(void) { return slot[0] ? slot : "no error"; }
int wk_last_error_code(void) { return slot_code; }
void wk_clear_error(void) { slot[0] = 0; slot_code = 0; }

const char *wk_strerror(int code) {
    switch (code) {
    case WK_OK: return "ok";
    case WK_EINVAL: return "invalid argument";
    case WK_ENOMEM: return "out of memory";
    case WK_EIO: return "i/o error";
    case WK_EFORMAT: return "malformed file";
    case WK_ENUMERIC: return "non-finite number";
    case WK_EUNSUPPORTED: return "unsupported";
    case WK_ELIMIT: return "work limit reached";
    case WK_EINTERNAL: return "internal error";
    case WK_EINTR: return "interrupted";
    case WK_ESYSTEM: return "system failure";
    case WK_ENOFIT: return "does not fit the memory limit";
    default: return "unknown error";
    }
}
