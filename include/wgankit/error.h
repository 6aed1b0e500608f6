/* error.h — one error convention for the whole library.
 *
 * Every fallible function returns an int status (WK_OK == 0, a negative WK_E* code otherwise)
 * or, for graph-building ops that return a node, NULL. The human-readable message, with its
 * context (op name, shapes, file name, field), goes to one thread-local slot read by
 * wk_last_error(). The library never calls exit() or abort(). */
#ifndef WGANKIT_ERROR_H
#define WGANKIT_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum {
    WK_OK = 0,
    WK_EINVAL = -1,       /* bad argument: shape mismatch, out-of-range value, absurd flag */
    WK_ENOMEM = -2,       /* allocation failed */
    WK_EIO = -3,          /* file could not be opened, read or written */
    WK_EFORMAT = -4,      /* malformed or truncated file contents */
    WK_ENUMERIC = -5,     /* NaN or Inf where a finite number is required */
    WK_EUNSUPPORTED = -6, /* valid request this build cannot serve (e.g. device) */
    WK_ELIMIT = -7,       /* a work limit the caller set ran out (e.g. max_pivots) */
    WK_EINTERNAL = -8,    /* the library broke its own invariant (a bug, not the input) */
    WK_EINTR = -9,        /* stopped on request (the caller's wk_exec.cancel flag, e.g. Ctrl-C) */
    WK_ESYSTEM = -10,     /* the machine failed while writing: disk full, quota, device error (not bad input) */
    WK_ENOFIT = -11       /* the work as asked does not fit the memory limit set on the process (ulimit -v / -d),
                           * or an input (a file, a requested sample count) does not fit the memory this
                           * process may use (io/read_util.h's check, before anything is allocated for it):
                           * refused the first time that work ran, so rerunning it under that limit fails
                           * the same way (the caller's input and settings are too large for it; WK_ENOMEM is
                           * an allocation refused by work that had fitted, or without a limit) */
};

/* Record a message (printf-style) in the error slot and return `code`, so a caller can
 * write `return wk_errorf(WK_EINVAL, "matmul: %s vs %s", a, b);`. */
int wk_errorf(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefix the current message with more context ("loading x.npy: " + old message). */
int wk_error_context(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *wk_last_error(void);
int wk_last_error_code(void);
void wk_clear_error(void);
const char *wk_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
