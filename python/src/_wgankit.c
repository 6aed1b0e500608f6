/* _wgankit.c — the CPython extension under the `wgankit` package: numpy arrays in, numpy arrays
 * out, over the C library (include/wgankit/). The Python layer (wgankit/__init__.py) holds the
 * signatures, defaults and docstrings; this file converts and validates arguments, releases the
 * GIL around every computation, and turns library statuses into exceptions.
 *
 * Invariants:
 *  - Every array argument is checked here, with its Python name in the message: real numeric
 *    dtype (no object, complex, string), shape, no NaN/Inf, weights >= 0 summing to 1. Any order
 *    or strides: arrays are copied to C-contiguous float64 only when they are not already so.
 *    Point coordinates: float64 through the library's *_f64 forms when this build has them
 *    (WK_HAVE_OT_F64, detected by CMake), else rounded once to float32, its point type.
 *  - Library failures raise ValueError (bad input), OSError (files), MemoryError, KeyboardInterrupt
 *    (WK_EINTR) or RuntimeError, with wk_last_error()'s text; the C side never prints.
 *  - Each call runs under its own thread context (wk_exec), so calls from several Python threads
 *    run at once without disturbing each other; a Checkpoint serialises its own calls (one
 *    trainer holds one scratch graph).
 *  - Training installs a SIGINT handler only while it runs on the main thread: Ctrl-C sets the
 *    cancel flag of the call's context, the run stops between steps, and KeyboardInterrupt is
 *    raised once the old handler is back. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wgankit/birthday.h"
#include "wgankit/classifier.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"
#include "wgankit/generalization.h"
#include "wgankit/nnd.h"
#include "wgankit/ot.h"
#include "wgankit/source.h"

/* ---- errors --------------------------------------------------------------------------------- */
/* The one map from library statuses to exceptions, the CLI's exit codes in Python form: bad input
 * (WK_EINVAL, WK_EFORMAT; the CLI's exit 2) is ValueError, files OSError, memory (WK_ENOMEM, and
 * WK_ENOFIT: a run, a file or a requested sample count that does not fit the memory this process may use,
 * the CLI's exit 2) MemoryError, and a failure during the
 * computation (WK_ENUMERIC: NaN/Inf produced by the computation, e.g. a diverging run; limits,
 * internal errors; the CLI's exit 1) RuntimeError. Non-finite user arrays never reach the library
 * as WK_ENUMERIC: the argument checks below refuse them first, as ValueError naming the argument. */
static PyObject *raise_wk(int rc) {
    const char *msg = wk_last_error();
    if (!msg || !*msg) msg = wk_strerror(rc);
    PyObject *type = PyExc_RuntimeError;
    switch (rc) {
    case WK_EINVAL:
    case WK_EFORMAT: type = PyExc_ValueError; break;
    case WK_EIO:
    case WK_ESYSTEM: type = PyExc_OSError; break;
    case WK_ENOMEM:
    case WK_ENOFIT: type = PyExc_MemoryError; break;
    case WK_EINTR: type = PyExc_KeyboardInterrupt; break;
    default: break;
    }
    PyErr_SetString(type, msg);
    return NULL;
}

/* A number as text for messages (%.17g: the exact double). */
typedef struct numtext {
    char s[32];
} numtext;
static numtext num(double v) {
    numtext t;
    snprintf(t.s, sizeof t.s, "%.17g", v);
    return t;
}

/* An integer argument in [lo, hi] into *out, else ValueError "NAME: must be in [lo, hi], got V":
 * also for an int beyond long long, where PyArg_ParseTuple's "L" / "i" would raise OverflowError
 * (or wrap, for "K"). A non-integer is the TypeError of PyLong_AsLongLongAndOverflow. */
static int int_in(PyObject *o, const char *name, long long lo, long long hi, long long *out) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (overflow || v < lo || v > hi) {
        PyErr_Format(PyExc_ValueError, "%s: must be in [%lld, %lld], got %R", name, lo, hi, o);
        return -1;
    }
    *out = v;
    return 0;
}

/* ---- arrays --------------------------------------------------------------------------------- */
/* -1 with ValueError naming `name` and the entry when a 64-bit integer array holds a value beyond
 * 2^53 in magnitude, which the float64 conversion would round (2^53 + 1 read as 2^53: W1 0 for
 * points 1 apart): the CLI's NPY reader refuses the same values (npy_read.c), and an array is the
 * same source as that array saved as .npy. Narrower integers are exact in float64. */
static int int64_beyond_2p53(PyArrayObject *raw, const char *name) {
    const int k = PyArray_TYPE(raw);
    if (!PyTypeNum_ISINTEGER(k) || PyArray_ITEMSIZE(raw) < 8 || PyArray_SIZE(raw) == 0) return 0;
    const int is_signed = PyTypeNum_ISSIGNED(k);
    PyArrayObject *c = (PyArrayObject *)PyArray_FROM_OTF((PyObject *)raw, is_signed ? NPY_INT64 : NPY_UINT64, NPY_ARRAY_IN_ARRAY);
    if (!c) return -1;
    const npy_intp n = PyArray_SIZE(c);
    const uint64_t lim = (uint64_t)1 << 53;
    int rc = 0;
    for (npy_intp i = 0; i < n && !rc; i++) {
        const int64_t x = is_signed ? ((const int64_t *)PyArray_DATA(c))[i] : 0;
        const uint64_t u = is_signed ? 0 : ((const uint64_t *)PyArray_DATA(c))[i];
        if (is_signed ? (x > (int64_t)lim || x < -(int64_t)lim) : u > lim) {
            char v[32];
            if (is_signed) snprintf(v, sizeof v, "%lld", (long long)x);
            else snprintf(v, sizeof v, "%llu", (unsigned long long)u);
            PyErr_Format(PyExc_ValueError, "%s: %s entry %zd (flat index) is %s, beyond 2^53 in magnitude: float64 would round it "
                         "(convert the array to float64 yourself if rounding is fine)", name, is_signed ? "int64" : "uint64",
                         (Py_ssize_t)i, v);
            rc = -1;
        }
    }
    Py_DECREF(c);
    return rc;
}

/* -1 with ValueError naming `name` and the entry when a float array wider than float64
 * (longdouble, float128) holds a value the float64 conversion would change (2^64 + 1 read as
 * 2^64: W1 0 for points 1 apart), as int64_beyond_2p53 does for integers; NaN and +-Inf convert
 * as they are (check_finite judges them). Values float64 holds exactly stay accepted. */
static int float_wider_than_f64_inexact(PyArrayObject *raw, const char *name) {
    if (!PyTypeNum_ISFLOAT(PyArray_TYPE(raw)) || PyArray_ITEMSIZE(raw) <= 8 || PyArray_SIZE(raw) == 0) return 0;
    PyArrayObject *c = (PyArrayObject *)PyArray_FROM_OTF((PyObject *)raw, NPY_LONGDOUBLE, NPY_ARRAY_IN_ARRAY);
    if (!c) return -1;
    const long double *x = PyArray_DATA(c);
    int rc = 0;
    for (npy_intp i = 0; i < PyArray_SIZE(c) && !rc; i++)
        if (x[i] == x[i] && (long double)(double)x[i] != x[i]) {
            char v[64];
            snprintf(v, sizeof v, "%.21Lg", x[i]);
            PyErr_Format(PyExc_ValueError, "%s: float%d entry %zd (flat index) is %s, which float64 would round (convert the "
                         "array to float64 yourself if rounding is fine)", name, (int)PyArray_ITEMSIZE(raw) * 8,
                         (Py_ssize_t)i, v);
            rc = -1;
        }
    Py_DECREF(c);
    return rc;
}

/* obj as a C-contiguous array of `type` (NPY_DOUBLE or NPY_FLOAT), after checking it holds real
 * numbers (64-bit integers within 2^53, int64_beyond_2p53; wider floats exact in float64,
 * float_wider_than_f64_inexact); shape and finiteness are the caller's
 * checks (see below). New reference or NULL. */
static PyArrayObject *as_real(PyObject *obj, const char *name, int type) {
    PyArrayObject *raw = (PyArrayObject *)PyArray_FROM_O(obj);
    if (!raw) {
        PyObject *t, *v, *tb;
        PyErr_Fetch(&t, &v, &tb);
        PyErr_Format(PyExc_ValueError, "%s: not an array of numbers (%S)", name, v ? v : Py_None);
        Py_XDECREF(t), Py_XDECREF(v), Py_XDECREF(tb);
        return NULL;
    }
    int k = PyArray_TYPE(raw);
    if (!(PyTypeNum_ISINTEGER(k) || PyTypeNum_ISFLOAT(k) || PyTypeNum_ISBOOL(k))) {
        PyErr_Format(PyExc_ValueError, "%s: dtype %S is not supported (real numbers only)", name,
                     (PyObject *)PyArray_DESCR(raw));
        Py_DECREF(raw);
        return NULL;
    }
    if (int64_beyond_2p53(raw, name) || float_wider_than_f64_inexact(raw, name)) {
        Py_DECREF(raw);
        return NULL;
    }
    PyArrayObject *a = (PyArrayObject *)PyArray_FROM_OTF((PyObject *)raw, type, NPY_ARRAY_IN_ARRAY | NPY_ARRAY_FORCECAST);
    Py_DECREF(raw);
    return a;
}

/* First non-finite entry of a double or float array, or -1: the library's branch-free block
 * scans (an element-by-element loop took a third as long as the exact costs of a
 * 64 x 64 x 784 wgankit.w1 call). */
static npy_intp first_bad(PyArrayObject *a) {
    const int64_t n = (int64_t)PyArray_SIZE(a);
    return (npy_intp)(PyArray_TYPE(a) == NPY_DOUBLE ? wk_first_nonfinite_f64(PyArray_DATA(a), n)
                                                    : wk_first_nonfinite(PyArray_DATA(a), n));
}

static int check_finite(PyArrayObject *a, const char *name) {
    npy_intp k = first_bad(a);
    if (k < 0) return 0;
    double v = PyArray_TYPE(a) == NPY_DOUBLE ? ((double *)PyArray_DATA(a))[k] : ((float *)PyArray_DATA(a))[k];
    PyErr_Format(PyExc_ValueError, "%s: entry %zd (flat index) is %s; every value must be finite", name, (Py_ssize_t)k,
                 isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
    return -1;
}

/* Whether the library takes float64 point coordinates (wk_w1_exact_f64 and friends, detected by
 * CMake): then float64 (and integer) input is passed through unrounded, float32 input stays
 * float32; otherwise every cloud is rounded once to float32, the library's point type. */
#ifdef WK_HAVE_OT_F64
#define POINTS_F64 1
#else
#define POINTS_F64 0
#endif

/* The point type to hand the library for this input: NPY_DOUBLE (float64 API) or NPY_FLOAT. */
static int point_type(PyObject *obj) {
    if (!POINTS_F64) return NPY_FLOAT;
    if (PyArray_Check(obj)) {
        int k = PyArray_TYPE((PyArrayObject *)obj);
        if (k == NPY_FLOAT || k == NPY_HALF) return NPY_FLOAT;
    }
    return NPY_DOUBLE;
}

/* d (float64, finite) narrowed to a new float32 array, or NULL with ValueError naming the first
 * entry beyond float32's range (it would become Inf: a NaN critic value, a "non-finite" point).
 * Steals d. */
static PyArrayObject *narrow_f32(PyArrayObject *d, const char *name) {
    const double *x = PyArray_DATA(d);
    for (npy_intp i = 0; i < PyArray_SIZE(d); i++)
        if (fabs(x[i]) > FLT_MAX) {
            PyErr_Format(PyExc_ValueError, "%s: entry %zd (flat index) is %s, beyond float32's range (the library's "
                         "coordinates are float32)", name, (Py_ssize_t)i, num(x[i]).s);
            Py_DECREF(d);
            return NULL;
        }
    PyArrayObject *f = (PyArrayObject *)PyArray_FROM_OTF((PyObject *)d, NPY_FLOAT, NPY_ARRAY_IN_ARRAY | NPY_ARRAY_FORCECAST);
    Py_DECREF(d);
    return f;
}

/* f: the float32 rounding of d (float64, same shape). 0 with ValueError naming `name` and the
 * column when float32 merges a column's values (the library's spread check, wk_data_scale_apply
 * on the identity map, as `critic --input --scaled` and `sample --latent` refuse such a file):
 * 1e-50 codes or points are not silently 0. */
static int f32_spread_ok(PyArrayObject *f, PyArrayObject *d, const char *name) {
    wk_tensor t;
    memset(&t, 0, sizeof t);
    int64_t shape[WK_MAX_DIMS] = {PyArray_NDIM(f) ? PyArray_DIM(f, 0) : 1, 1};
    for (int i = 1; i < PyArray_NDIM(f); i++) shape[i] = PyArray_DIM(f, i);
    wk_tensor_set_shape(&t, PyArray_NDIM(f) > 1 ? PyArray_NDIM(f) : 2, shape);
    t.data = PyArray_DATA(f);
    if (!wk_data_scale_apply(wk_data_scale_as_stored(), &t, PyArray_DATA(d), name, WK_SPREAD_ADVICE_STORED)) return 1;
    PyErr_Format(PyExc_ValueError, "%s", wk_last_error());
    return 0;
}

/* narrow_f32 that keeps d's values apart (f32_spread_ok); d is consumed as by narrow_f32. */
static PyArrayObject *narrow_f32_checked(PyArrayObject *d, const char *name) {
    Py_INCREF(d);
    PyArrayObject *f = narrow_f32(d, name);
    if (f && !f32_spread_ok(f, d, name)) Py_CLEAR(f);
    Py_DECREF(d);
    return f;
}

/* A 0-d array (one number) as the 1-D array of that one value: one point in 1-D, or one weight,
 * the rule of every file reader (a 0-d NPY is one point: wk_read_points, the dataset loader).
 * Steals a; new reference or NULL. */
static PyArrayObject *one_value_as_1d(PyArrayObject *a) {
    npy_intp one = 1;
    PyArray_Dims dims = {&one, 1};
    PyArrayObject *r = (PyArrayObject *)PyArray_Newshape(a, &dims, NPY_CORDER);
    Py_DECREF(a);
    return r;
}

/* A point cloud [n, d] (a 1-D array is n points in 1-D, a 0-d one one point) as `type` (NPY_FLOAT or NPY_DOUBLE),
 * finite, n, d >= 1. Checked in float64 first, so values beyond float32's range are reported as
 * such rather than becoming Inf. */
static PyArrayObject *points(PyObject *obj, const char *name, int type) {
    /* float32 (or float16) arrays wanted as float32 are taken as they are (no float64 round
     * trip: two copies of a 64 x 784 cloud cost more than its 64 x 64 solve); their values are
     * within float32's range by construction */
    const int as_is = type == NPY_FLOAT && PyArray_Check(obj) &&
                      (PyArray_TYPE((PyArrayObject *)obj) == NPY_FLOAT || PyArray_TYPE((PyArrayObject *)obj) == NPY_HALF);
    PyArrayObject *d = as_real(obj, name, as_is ? NPY_FLOAT : NPY_DOUBLE);
    if (!d) return NULL;
    if (PyArray_NDIM(d) == 0 && !(d = one_value_as_1d(d))) return NULL;
    if (PyArray_NDIM(d) != 1 && PyArray_NDIM(d) != 2) {
        PyErr_Format(PyExc_ValueError, "%s: must be a 2-D array [n, d] of points, got %d dimensions", name, PyArray_NDIM(d));
        goto fail;
    }
    if (PyArray_SIZE(d) == 0) {
        PyErr_Format(PyExc_ValueError, "%s: has no points (0-size array)", name);
        goto fail;
    }
    if (check_finite(d, name)) goto fail;
    if (type == NPY_DOUBLE || as_is) return d;
    return narrow_f32(d, name);
fail:
    Py_DECREF(d);
    return NULL;
}

static void cloud_tensor(PyArrayObject *p, wk_tensor *t) {
    int64_t shape[2] = {PyArray_DIM(p, 0), PyArray_NDIM(p) == 2 ? PyArray_DIM(p, 1) : 1};
    memset(t, 0, sizeof *t);
    wk_tensor_set_shape(t, 2, shape);
    t->data = PyArray_TYPE(p) == NPY_FLOAT ? PyArray_DATA(p) : NULL; /* float64: through the *_f64 forms */
}

/* Optional weights for n points (`of` names them in messages): None -> NULL (uniform); else 1-D
 * float64 of length n, finite, >= 0, positive total (check_unit_sum or the library checks the
 * total). An empty array also means uniform when empty_uniform (POT's emd2). */
static int weights(PyObject *obj, const char *name, npy_intp n, int empty_uniform, const char *of, PyArrayObject **out) {
    *out = NULL;
    if (obj == NULL || obj == Py_None) return 0;
    PyArrayObject *w = as_real(obj, name, NPY_DOUBLE);
    if (!w) return -1;
    if (PyArray_NDIM(w) == 0 && !(w = one_value_as_1d(w))) return -1;
    if (PyArray_NDIM(w) != 1) {
        PyErr_Format(PyExc_ValueError, "%s: weights must be 1-D, got %d dimensions", name, PyArray_NDIM(w));
        goto fail;
    }
    if (PyArray_SIZE(w) == 0 && empty_uniform) {
        Py_DECREF(w);
        return 0;
    }
    if (PyArray_DIM(w, 0) != n) {
        PyErr_Format(PyExc_ValueError, "%s: has %zd weights but there are %zd %s", name, (Py_ssize_t)PyArray_DIM(w, 0),
                     (Py_ssize_t)n, of);
        goto fail;
    }
    if (check_finite(w, name)) goto fail;
    const double *x = PyArray_DATA(w);
    double s = 0;
    for (npy_intp i = 0; i < n; i++) {
        if (x[i] < 0) {
            PyErr_Format(PyExc_ValueError, "%s: weight %zd is negative (%s)", name, (Py_ssize_t)i, num(x[i]).s);
            goto fail;
        }
        s += x[i];
    }
    if (!(s > 0)) {
        PyErr_Format(PyExc_ValueError, "%s: the weights sum to 0", name);
        goto fail;
    }
    *out = w;
    return 0;
fail:
    Py_DECREF(w);
    return -1;
}

static int check_unit_sum(PyArrayObject *w, const char *name) {
    if (!w) return 0;
    const double *x = PyArray_DATA(w);
    double s = 0;
    for (npy_intp i = 0; i < PyArray_SIZE(w); i++) s += x[i];
    if (fabs(s - 1) <= WK_OT_WEIGHT_TOL) return 0; /* the library's and the CLI's tolerance (ot.h) */
    PyErr_Format(PyExc_ValueError, "%s: the weights sum to %s, not 1 within 1e-5 (normalise them)", name, num(s).s);
    return -1;
}

/* ---- emd2 ----------------------------------------------------------------------------------- */
static PyObject *py_emd2(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *oa, *ob, *oM;
    if (!PyArg_ParseTuple(args, "OOO", &oa, &ob, &oM)) return NULL;
    PyArrayObject *M = as_real(oM, "M", NPY_DOUBLE), *a = NULL, *b = NULL;
    PyObject *ret = NULL;
    if (!M) return NULL;
    if (PyArray_NDIM(M) != 2) {
        PyErr_Format(PyExc_ValueError, "M: must be a 2-D cost matrix [n, m], got %d dimensions", PyArray_NDIM(M));
        goto done;
    }
    npy_intp n = PyArray_DIM(M, 0), m = PyArray_DIM(M, 1);
    if (n == 0 || m == 0) {
        PyErr_Format(PyExc_ValueError, "M: is empty (shape (%zd, %zd))", (Py_ssize_t)n, (Py_ssize_t)m);
        goto done;
    }
    if (weights(oa, "a", n, 1, "rows in M", &a) || weights(ob, "b", m, 1, "columns in M", &b) || check_finite(M, "M")) goto done;
    double value = 0;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = wk_emd_dense(a ? PyArray_DATA(a) : NULL, n, b ? PyArray_DATA(b) : NULL, m, PyArray_DATA(M), &value);
    Py_END_ALLOW_THREADS
    ret = rc ? raise_wk(rc) : PyFloat_FromDouble(value);
done:
    Py_XDECREF(M), Py_XDECREF(a), Py_XDECREF(b);
    return ret;
}

/* ---- point-cloud OT ------------------------------------------------------------------------- */
typedef struct clouds {
    PyArrayObject *X, *Y, *a, *b;
    wk_tensor tx, ty; /* shapes (and the data when float32) */
    int f64;          /* X and Y are float64 (the library's *_f64 forms) */
} clouds;

#define CLOUD_W(c, w) ((c)->w ? (const double *)PyArray_DATA((c)->w) : NULL)

static void clouds_free(clouds *c) { Py_XDECREF(c->X), Py_XDECREF(c->Y), Py_XDECREF(c->a), Py_XDECREF(c->b); }

/* float64 coordinates beyond what the point-cloud solvers accept (WK_OT_COORD_MAX, ot.h: their
 * squared distances would overflow double), named here as the argument rather than the
 * library's "a"/"b". */
static int check_coord_range(PyArrayObject *p, const char *name) {
#ifdef WK_OT_COORD_MAX
    if (PyArray_TYPE(p) != NPY_DOUBLE) return 0;
    const double *x = PyArray_DATA(p);
    for (npy_intp i = 0; i < PyArray_SIZE(p); i++)
        if (fabs(x[i]) > WK_OT_COORD_MAX) {
            PyErr_Format(PyExc_ValueError, "%s: entry %zd (flat index) is %s; coordinates beyond %s are refused (their "
                         "squared distances overflow double precision)", name, (Py_ssize_t)i, num(x[i]).s,
                         num(WK_OT_COORD_MAX).s);
            return -1;
        }
#else
    (void)p, (void)name;
#endif
    return 0;
}

static int clouds_get(clouds *c, PyObject *oX, PyObject *oY, PyObject *oa, PyObject *ob) {
    memset(c, 0, sizeof *c);
    /* one type for both clouds: float64 when either asks for it and the library takes it */
    int type = point_type(oX) == NPY_DOUBLE || point_type(oY) == NPY_DOUBLE ? NPY_DOUBLE : NPY_FLOAT;
    c->f64 = type == NPY_DOUBLE;
    if (!(c->X = points(oX, "X", type)) || !(c->Y = points(oY, "Y", type))) return -1;
    if (check_coord_range(c->X, "X") || check_coord_range(c->Y, "Y")) return -1;
    cloud_tensor(c->X, &c->tx);
    cloud_tensor(c->Y, &c->ty);
    if (c->tx.shape[1] != c->ty.shape[1]) {
        PyErr_Format(PyExc_ValueError, "Y: points have dimension %lld but X's have %lld", (long long)c->ty.shape[1],
                     (long long)c->tx.shape[1]);
        return -1;
    }
    if (weights(oa, "a", c->tx.shape[0], 0, "points in X", &c->a) || weights(ob, "b", c->ty.shape[0], 0, "points in Y", &c->b)) return -1;
    if (check_unit_sum(c->a, "a") || check_unit_sum(c->b, "b")) return -1;
    return 0;
}

static PyObject *darray(const double *x, npy_intp n) {
    PyObject *o = PyArray_SimpleNew(1, &n, NPY_DOUBLE);
    if (o && n) memcpy(PyArray_DATA((PyArrayObject *)o), x, (size_t)n * sizeof(double));
    return o;
}

/* _w1(X, Y, a, b, cost, p, want_plan, want_duals, threads) -> (value, plan or None, duals or None) */
static PyObject *py_w1(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *oX, *oY, *oa, *ob;
    int cost, plan, duals, threads;
    double p;
    if (!PyArg_ParseTuple(args, "OOOOidppi", &oX, &oY, &oa, &ob, &cost, &p, &plan, &duals, &threads)) return NULL;
    clouds c;
    PyObject *ret = NULL;
    if (clouds_get(&c, oX, oY, oa, ob)) goto done;
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.cost = (wk_ot_cost)cost;
    o.p = p;
    o.want_plan = plan;
    o.want_duals = duals;
    o.threads = threads;
    wk_ot_result r;
    int rc;
    Py_BEGIN_ALLOW_THREADS
#ifdef WK_HAVE_OT_F64
    if (c.f64)
        rc = wk_w1_exact_f64(PyArray_DATA(c.X), c.tx.shape[0], CLOUD_W(&c, a), PyArray_DATA(c.Y), c.ty.shape[0],
                             CLOUD_W(&c, b), c.tx.shape[1], &o, &r);
    else
#endif
        rc = wk_w1_exact(&c.tx, CLOUD_W(&c, a), &c.ty, CLOUD_W(&c, b), &o, &r);
    Py_END_ALLOW_THREADS
    if (rc) {
        raise_wk(rc);
        goto done;
    }
    PyObject *po = Py_None, *du = Py_None;
    Py_INCREF(Py_None), Py_INCREF(Py_None);
    if (plan) {
        npy_intp k = r.plan_len;
        PyObject *ii = PyArray_SimpleNew(1, &k, NPY_INT64), *jj = PyArray_SimpleNew(1, &k, NPY_INT64),
                 *mm = PyArray_SimpleNew(1, &k, NPY_DOUBLE);
        if (ii && jj && mm)
            for (npy_intp t = 0; t < k; t++) {
                ((int64_t *)PyArray_DATA((PyArrayObject *)ii))[t] = r.plan[t].i;
                ((int64_t *)PyArray_DATA((PyArrayObject *)jj))[t] = r.plan[t].j;
                ((double *)PyArray_DATA((PyArrayObject *)mm))[t] = r.plan[t].mass;
            }
        Py_DECREF(po);
        if (ii && jj && mm) {
            po = Py_BuildValue("(NNN)", ii, jj, mm);
        } else {
            Py_XDECREF(ii);
            Py_XDECREF(jj);
            Py_XDECREF(mm);
            po = NULL;
        }
    }
    if (duals && po) {
        Py_DECREF(du);
        du = Py_BuildValue("(NN)", darray(r.u, c.tx.shape[0]), darray(r.v, c.ty.shape[0]));
    }
    if (po && du) ret = Py_BuildValue("(dNN)", r.value, po, du);
    else {
        Py_XDECREF(po);
        Py_XDECREF(du);
    }
    wk_ot_result_free(&r);
done:
    clouds_free(&c);
    return ret;
}

/* _sliced(X, Y, a, b, projections, seed, threads) -> (value, std_error) */
static PyObject *py_sliced(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *oX, *oY, *oa, *ob, *oproj;
    int threads;
    long long proj;
    unsigned long long seed;
    if (!PyArg_ParseTuple(args, "OOOOOKi", &oX, &oY, &oa, &ob, &oproj, &seed, &threads)) return NULL;
    if (int_in(oproj, "n_projections", 1, INT_MAX, &proj)) return NULL;
    clouds c;
    PyObject *ret = NULL;
    if (clouds_get(&c, oX, oY, oa, ob)) goto done;
    wk_ot_options o;
    wk_ot_options_default(&o);
    o.seed = seed;
    wk_ot_result r;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    wk_exec x = wk_exec_make(threads);
    wk_exec_saved s;
    wk_exec_enter(&x, &s);
#ifdef WK_HAVE_OT_F64
    if (c.f64)
        rc = wk_w1_sliced_f64(PyArray_DATA(c.X), c.tx.shape[0], CLOUD_W(&c, a), PyArray_DATA(c.Y), c.ty.shape[0],
                              CLOUD_W(&c, b), c.tx.shape[1], (int)proj, &o, &r);
    else
#endif
        rc = wk_w1_sliced(&c.tx, CLOUD_W(&c, a), &c.ty, CLOUD_W(&c, b), (int)proj, &o, &r);
    wk_exec_leave(&s);
    Py_END_ALLOW_THREADS
    if (rc) raise_wk(rc);
    else {
        ret = Py_BuildValue("(dd)", r.value, r.std_error);
        wk_ot_result_free(&r);
    }
done:
    clouds_free(&c);
    return ret;
}

/* _wasserstein_1d(u, v, uw, vw, p) -> W_p^p */
static PyObject *py_w1d(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *ou, *ov, *ouw, *ovw;
    double p;
    if (!PyArg_ParseTuple(args, "OOOOd", &ou, &ov, &ouw, &ovw, &p)) return NULL;
    clouds c;
    PyObject *ret = NULL;
    memset(&c, 0, sizeof c);
    int type = point_type(ou) == NPY_DOUBLE || point_type(ov) == NPY_DOUBLE ? NPY_DOUBLE : NPY_FLOAT;
    c.f64 = type == NPY_DOUBLE;
    if (!(c.X = points(ou, "u_values", type)) || !(c.Y = points(ov, "v_values", type))) goto done;
    if ((PyArray_NDIM(c.X) == 2 && PyArray_DIM(c.X, 1) != 1) || (PyArray_NDIM(c.Y) == 2 && PyArray_DIM(c.Y, 1) != 1)) {
        PyErr_SetString(PyExc_ValueError, PyArray_NDIM(c.X) == 2 && PyArray_DIM(c.X, 1) != 1
                                              ? "u_values: must be 1-D values (or shape [n, 1])"
                                              : "v_values: must be 1-D values (or shape [m, 1])");
        goto done;
    }
    npy_intp n = PyArray_DIM(c.X, 0), m = PyArray_DIM(c.Y, 0);
    if (weights(ouw, "u_weights", n, 0, "u_values", &c.a) || weights(ovw, "v_weights", m, 0, "v_values", &c.b)) goto done;
    if (check_unit_sum(c.a, "u_weights") || check_unit_sum(c.b, "v_weights")) goto done;
    if (!(p >= 1) || !isfinite(p)) {
        PyErr_Format(PyExc_ValueError, "p: must be finite and >= 1, got %s", num(p).s);
        goto done;
    }
    double v = 0;
    int rc;
    Py_BEGIN_ALLOW_THREADS
#ifdef WK_HAVE_OT_F64
    if (c.f64)
        rc = wk_wp_1d_f64(PyArray_DATA(c.X), CLOUD_W(&c, a), n, PyArray_DATA(c.Y), CLOUD_W(&c, b), m, p, &v);
    else
#endif
        rc = wk_wp_1d(PyArray_DATA(c.X), CLOUD_W(&c, a), n, PyArray_DATA(c.Y), CLOUD_W(&c, b), m, p, &v);
    Py_END_ALLOW_THREADS
    ret = rc ? raise_wk(rc) : PyFloat_FromDouble(v);
done:
    clouds_free(&c);
    return ret;
}

/* _sinkhorn2(a, b, M, reg, max_iter, tol) -> (<P, M>, marginal L1 error of P); reg, max_iter and
 * tol are checked by the Python layer, the reg floor by the library. */
static PyObject *py_sinkhorn2(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *oa, *ob, *oM, *oiter;
    double reg, tol;
    long long max_iter;
    if (!PyArg_ParseTuple(args, "OOOdOd", &oa, &ob, &oM, &reg, &oiter, &tol)) return NULL;
    if (int_in(oiter, "numItermax", 1, INT_MAX, &max_iter)) return NULL;
    PyArrayObject *M = as_real(oM, "M", NPY_DOUBLE), *a = NULL, *b = NULL;
    PyObject *ret = NULL;
    if (!M) return NULL;
    if (PyArray_NDIM(M) != 2 || PyArray_SIZE(M) == 0) {
        PyErr_Format(PyExc_ValueError, "M: must be a non-empty 2-D cost matrix [n, m]");
        goto done;
    }
    npy_intp n = PyArray_DIM(M, 0), m = PyArray_DIM(M, 1);
    if (weights(oa, "a", n, 1, "rows in M", &a) || weights(ob, "b", m, 1, "columns in M", &b) || check_finite(M, "M")) goto done;
    if (!(reg > 0) || !isfinite(reg)) {
        PyErr_Format(PyExc_ValueError, "reg: must be finite and > 0, got %s", num(reg).s);
        goto done;
    }
    double value = 0, err = 0;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = wk_sinkhorn_dense(a ? PyArray_DATA(a) : NULL, n, b ? PyArray_DATA(b) : NULL, m, PyArray_DATA(M), reg,
                           (int)max_iter, tol, &value, &err);
    Py_END_ALLOW_THREADS
    ret = rc ? raise_wk(rc) : Py_BuildValue("(dd)", value, err);
done:
    Py_XDECREF(M), Py_XDECREF(a), Py_XDECREF(b);
    return ret;
}

/* ---- synthetic data ------------------------------------------------------------------------- */
/* _data(name, n, seed, opts: list of "key=value") -> float32 [n, dim] */
static PyObject *py_data(PyObject *self, PyObject *args) {
    (void)self;
    const char *name;
    long long n;
    unsigned long long seed;
    PyObject *olist, *on;
    if (!PyArg_ParseTuple(args, "sOKO!", &name, &on, &seed, &PyList_Type, &olist)) return NULL;
    if (int_in(on, "n", 1, (long long)1 << 40, &n)) return NULL;
    Py_ssize_t k = PyList_GET_SIZE(olist);
    const char **opts = calloc((size_t)k + 1, sizeof *opts);
    if (!opts) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < k; i++)
        if (!(opts[i] = PyUnicode_AsUTF8(PyList_GET_ITEM(olist, i)))) {
            free(opts);
            return NULL;
        }
    wk_target_spec spec;
    wk_target target;
    int rc = wk_target_spec_parse(&spec, name, opts, (int)k);
    free(opts);
    if (!rc) rc = wk_target_init(&target, &spec);
    /* a means file too large for memory (WK_ENOFIT) is MemoryError, as any input's (README) */
    if (rc) return raise_wk(rc == WK_ENOMEM || rc == WK_ENOFIT ? rc : WK_EINVAL);
    /* numpy's allocation beyond memory succeeds under Linux's overcommit and the sampling's
     * writes then meet the OOM killer: the library's check first, a MemoryError naming n */
    if ((rc = wk_target_check_samples(&target, name, "n =", n, 0)) != 0) {
        wk_target_free(&target);
        return raise_wk(rc);
    }
    npy_intp shape[2] = {(npy_intp)n, target.dim};
    PyObject *out = PyArray_SimpleNew(2, shape, NPY_FLOAT);
    if (out) {
        wk_tensor x;
        memset(&x, 0, sizeof x);
        wk_tensor_set_shape(&x, 2, (int64_t[]){n, target.dim});
        x.data = PyArray_DATA((PyArrayObject *)out);
        wk_rng rng;
        wk_rng_seed(&rng, (uint64_t)seed);
        Py_BEGIN_ALLOW_THREADS
        rc = wk_target_sample(&target, &rng, &x);
        Py_END_ALLOW_THREADS
        if (rc) {
            Py_CLEAR(out);
            raise_wk(rc);
        }
    }
    wk_target_free(&target);
    return out;
}

/* ---- training ------------------------------------------------------------------------------- */
static volatile int g_cancel; /* Ctrl-C during a training call on the main thread */
static void on_sigint(int sig) {
    (void)sig;
    g_cancel = 1;
}

/* _train(settings: list of (name, text), main_thread, mode) -> log text; the run directory is
 * `out` (the list's first item); mode: WK_RUN_NEW, WK_RUN_RESUME (settings start from the
 * checkpoint's, as `wgankit train --resume`) or WK_RUN_FORCE. */
static PyObject *py_train(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *list;
    int main_thread, mode;
    if (!PyArg_ParseTuple(args, "O!pi", &PyList_Type, &list, &main_thread, &mode)) return NULL;
    wk_gan_config cfg;
    wk_gan_config_default(&cfg);
    if (mode == WK_RUN_RESUME) {
        const char *k, *dir;
        if (PyList_GET_SIZE(list) < 1 || !PyArg_ParseTuple(PyList_GET_ITEM(list, 0), "ss", &k, &dir)) return NULL;
        char path[WK_GAN_STR + 32];
        snprintf(path, sizeof path, "%s/checkpoint.safetensors", dir);
        if (access(path, F_OK))
            return PyErr_Format(PyExc_ValueError, "resume: %s holds no checkpoint.safetensors (nothing to resume)", dir);
        int rc = wk_gan_config_from_checkpoint(path, &cfg);
        if (rc) return raise_wk(rc);
    }
    cfg.progress = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        const char *k, *v;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(list, i), "ss", &k, &v)) return NULL;
        if (!wk_gan_setting_find(k))
            return PyErr_Format(PyExc_ValueError, "%s: not a train setting (see wgankit.train_settings())", k);
        int rc = wk_gan_config_set(&cfg, k, v);
        if (rc) return raise_wk(rc);
    }
    char *logbuf = NULL;
    size_t loglen = 0;
    FILE *log = open_memstream(&logbuf, &loglen);
    if (!log) return PyErr_NoMemory();
    volatile int local_cancel = 0;
    struct sigaction old, sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    if (main_thread) {
        g_cancel = 0;
        sigaction(SIGINT, &sa, &old);
    }
    int rc;
    Py_BEGIN_ALLOW_THREADS
    wk_exec x = wk_exec_make(cfg.threads);
    x.cancel = main_thread ? &g_cancel : &local_cancel;
    wk_exec_saved s;
    wk_exec_enter(&x, &s);
    rc = wk_gan_run(&cfg, mode, log);
    wk_exec_leave(&s);
    Py_END_ALLOW_THREADS
    if (main_thread) sigaction(SIGINT, &old, NULL);
    fclose(log);
    PyObject *text = PyUnicode_DecodeUTF8(logbuf ? logbuf : "", (Py_ssize_t)loglen, "replace");
    free(logbuf);
    if (rc) {
        Py_XDECREF(text);
        return raise_wk(rc);
    }
    return text;
}

/* ---- checkpoints ---------------------------------------------------------------------------- */
typedef struct ckpt {
    wk_trainer *t;
    pthread_mutex_t mu;
} ckpt;

static void ckpt_destroy(PyObject *cap) {
    ckpt *c = PyCapsule_GetPointer(cap, "wgankit.checkpoint");
    if (!c) return;
    wk_trainer_free(c->t);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static ckpt *ckpt_of(PyObject *cap) { return PyCapsule_GetPointer(cap, "wgankit.checkpoint"); }

static PyObject *py_ckpt_load(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *opath;
    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &opath)) return NULL;
    const char *path = PyBytes_AS_STRING(opath);
    ckpt *c = calloc(1, sizeof *c);
    if (!c) {
        Py_DECREF(opath);
        return PyErr_NoMemory();
    }
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = wk_trainer_load(path, &c->t);
    Py_END_ALLOW_THREADS
    Py_DECREF(opath);
    if (rc) {
        free(c);
        return raise_wk(rc);
    }
    pthread_mutex_init(&c->mu, NULL);
    return PyCapsule_New(c, "wgankit.checkpoint", ckpt_destroy);
}

static PyObject *py_ckpt_config(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *cap;
    if (!PyArg_ParseTuple(args, "O", &cap)) return NULL;
    ckpt *c = ckpt_of(cap);
    if (!c) return NULL;
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_gan_config_to_json(wk_trainer_config(c->t), &sb);
    PyObject *s = wk_sb_status(&sb) ? PyErr_NoMemory() : PyUnicode_FromStringAndSize(sb.data, (Py_ssize_t)sb.len), *m;
    const wk_data_scale *map = wk_trainer_data_scale(c->t); /* NULL: an older checkpoint kept none */
    wk_sb_clear(&sb);
    if (map) wk_data_scale_to_json(map, &sb);
    if (!map) Py_INCREF(m = Py_None);
    else m = wk_sb_status(&sb) ? PyErr_NoMemory() : PyUnicode_FromStringAndSize(sb.data, (Py_ssize_t)sb.len);
    wk_sb_free(&sb);
    if (!s || !m) {
        Py_XDECREF(s);
        Py_XDECREF(m);
        return NULL;
    }
    return Py_BuildValue("(NlN)", s, (long)wk_trainer_step_count(c->t), m);
}

static PyObject *tensor_to_array(wk_tensor *t) {
    npy_intp shape[WK_MAX_DIMS];
    for (int i = 0; i < t->ndim; i++) shape[i] = t->shape[i];
    PyObject *o = PyArray_SimpleNew(t->ndim, shape, NPY_FLOAT);
    if (o) memcpy(PyArray_DATA((PyArrayObject *)o), t->data, (size_t)t->numel * sizeof(float));
    wk_tensor_free(t);
    return o;
}

/* _ckpt_sample(cap, n, seed, latent or None, ema, component) -> float32 [n, ...]; component -1:
 * a MIX+GAN draws each row's generator with w_G from the seed (wk_trainer_sample_component) */
static PyObject *py_ckpt_sample(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *cap, *olat, *on;
    long long n = 0;
    unsigned long long seed;
    int ema, component;
    if (!PyArg_ParseTuple(args, "OOKOpi", &cap, &on, &seed, &olat, &ema, &component)) return NULL;
    ckpt *c = ckpt_of(cap);
    if (!c) return NULL;
    PyArrayObject *lat = NULL;
    wk_tensor z, out;
    memset(&z, 0, sizeof z);
    if (olat != Py_None) {
        PyArrayObject *lat64 = points(olat, "latent", NPY_DOUBLE); /* float64 first: codes float32 merges are refused */
        if (!lat64 || !(lat = narrow_f32_checked(lat64, "latent"))) return NULL;
        cloud_tensor(lat, &z);
    } else if (int_in(on, "n", 1, (long long)1 << 32, &n)) {
        return NULL;
    }
    int rc;
    Py_BEGIN_ALLOW_THREADS
    pthread_mutex_lock(&c->mu);
    rc = wk_trainer_sample_component(c->t, lat ? &z : NULL, n, seed, ema, component, &out);
    pthread_mutex_unlock(&c->mu);
    Py_END_ALLOW_THREADS
    Py_XDECREF(lat);
    return rc ? raise_wk(rc) : tensor_to_array(&out);
}

/* Samples x [n, ...] as float64: real, non-empty, finite. New reference or NULL. */
static PyArrayObject *samples64(PyObject *ox, const char *name) {
    PyArrayObject *d = as_real(ox, name, NPY_DOUBLE);
    if (!d) return NULL;
    if (PyArray_SIZE(d) == 0 || PyArray_NDIM(d) < 1 || PyArray_NDIM(d) > WK_MAX_DIMS || check_finite(d, name)) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_ValueError, "%s: must be a non-empty array of samples [n, ...] (at most %d dimensions)",
                         name, WK_MAX_DIMS);
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

/* Samples x [n, ...] for a checkpoint's critic as float32: samples64, within float32's range
 * (checked in float64 first, as points()) and kept apart by it. New reference or NULL. */
static PyArrayObject *samples(PyObject *ox, const char *name) {
    PyArrayObject *d = samples64(ox, name);
    return d ? narrow_f32_checked(d, name) : NULL;
}

/* A float32 array's data viewed as a tensor of its shape (no copy). */
static void array_tensor(PyArrayObject *f, wk_tensor *x) {
    int64_t shape[WK_MAX_DIMS];
    memset(x, 0, sizeof *x);
    for (int i = 0; i < PyArray_NDIM(f); i++) shape[i] = PyArray_DIM(f, i);
    wk_tensor_set_shape(x, PyArray_NDIM(f), shape);
    x->data = PyArray_DATA(f);
}

/* _ckpt_critic(cap, x (any real array, checked here), grad, data) -> (values or (values,
 * gradients), the map said or None). data 0: x is in the run's scaled units, taken as it is
 * (float32, spread-checked). data 1: x is in the units of the run's data, mapped as `wgankit
 * critic --input X` maps a file: by the scaling the run kept, or, for a checkpoint older than kept
 * scalings, by the run's scale re-decided on x (wk_source_run_scale, the one rule every command
 * uses; then its description is returned, for the warning that is the CLI's stderr line),
 * applied to x's float64 values before the float32 rounding (wk_data_scale_apply). */
static PyObject *py_ckpt_critic(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *cap, *ox;
    int grad, data;
    if (!PyArg_ParseTuple(args, "OOpp", &cap, &ox, &grad, &data)) return NULL;
    ckpt *c = ckpt_of(cap);
    if (!c) return NULL;
    PyArrayObject *d = NULL, *f = NULL;
    if (!data) f = samples(ox, "x");
    else if ((d = samples64(ox, "x")) != NULL) { /* the float32 values the rule reads: beyond float32's range is refused */
        Py_INCREF(d);
        if (!(f = narrow_f32(d, "x"))) Py_CLEAR(d);
    }
    if (!f) return NULL;
    wk_tensor x, dv, gv;
    array_tensor(f, &x);
    wk_data_scale map = {0};
    int rc = WK_OK, guessed = 0;
    Py_BEGIN_ALLOW_THREADS
    pthread_mutex_lock(&c->mu);
    if (d && !(rc = wk_source_run_scale(c->t, &x, "x", &map, &guessed)))
        rc = wk_data_scale_apply(&map, &x, PyArray_DATA(d), "x", WK_SPREAD_ADVICE_COMPARE);
    if (!rc) rc = wk_trainer_critic(c->t, &x, &dv, grad ? &gv : NULL);
    pthread_mutex_unlock(&c->mu);
    Py_END_ALLOW_THREADS
    Py_XDECREF(d);
    Py_DECREF(f);
    char how[512];
    if (!rc && guessed) wk_data_scale_describe(&map, how, sizeof how);
    wk_data_scale_free(&map);
    if (rc) return raise_wk(rc);
    PyObject *vals = tensor_to_array(&dv);
    PyObject *r = grad ? Py_BuildValue("(NN)", vals, tensor_to_array(&gv)) : vals;
    if (!r) return NULL;
    return guessed ? Py_BuildValue("(Ns)", r, how) : Py_BuildValue("(NO)", r, Py_None);
}

/* _ckpt_lipschitz(cap, x) -> dict of the Lipschitz report on the points x */
static PyObject *py_ckpt_lipschitz(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *cap, *ox;
    if (!PyArg_ParseTuple(args, "OO", &cap, &ox)) return NULL;
    ckpt *c = ckpt_of(cap);
    if (!c) return NULL;
    PyArrayObject *f = samples(ox, "x");
    if (!f) return NULL;
    wk_tensor x;
    array_tensor(f, &x);
    wk_lipschitz_report r;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    pthread_mutex_lock(&c->mu);
    rc = wk_trainer_lipschitz_report(c->t, &x, &r);
    pthread_mutex_unlock(&c->mu);
    Py_END_ALLOW_THREADS
    Py_DECREF(f);
    if (rc) return raise_wk(rc);
    return Py_BuildValue("{sdsdsdsdsdsLsL}", "certified", r.certified, "certified_gershgorin", r.certified_gershgorin,
                         "grad_max", r.grad_max, "grad_mean", r.grad_mean, "pair_max", r.pair_max, "n_points",
                         (long long)r.n_points, "n_pairs", (long long)r.n_pairs);
}

static PyObject *py_settings(PyObject *self, PyObject *noargs) {
    (void)self, (void)noargs;
    wk_gan_config c;
    wk_gan_config_default(&c);
    PyObject *out = PyList_New(0);
    static const char *types[] = {"int", "float", "str", "bool"};
    for (int i = 0; out && i < wk_gan_setting_count(); i++) {
        const wk_gan_setting *s = wk_gan_setting_at(i);
        char buf[WK_GAN_STR + 8];
        wk_gan_config_get(&c, s->name, buf, sizeof buf);
        PyObject *t = Py_BuildValue("(ssszs)", s->name, types[s->type], buf, s->choices, s->help);
        if (!t || PyList_Append(out, t)) Py_CLEAR(out);
        Py_XDECREF(t);
    }
    return out;
}

/* ---- sources: nnd, generalization, birthday (Arora et al. 2017; Arora & Zhang 2018) ---------- */
/* The library's error, prefixed with the Python argument it came from. */
static PyObject *raise_wk_arg(int rc, const char *name) {
    const char *msg = wk_last_error();
    char buf[1200];
    snprintf(buf, sizeof buf, "%s: %s", name, msg && *msg ? msg : wk_strerror(rc));
    wk_errorf(rc, "%s", buf);
    return raise_wk(rc);
}

/* obj: a source spec (str: file, synthetic target, gen:RUN_DIR) or points [n, d] (a 1-D array:
 * n points in 1-D; float32 as is, other real dtypes rounded once to float32, the library's sample
 * type, after a gen: run's map when compared with one), opened into *s. -1 with an exception
 * naming `name`. */
static int source_get(PyObject *obj, const char *name, wk_source *s) {
    memset(s, 0, sizeof *s);
    int rc;
    if (PyUnicode_Check(obj)) {
        const char *spec = PyUnicode_AsUTF8(obj);
        if (!spec) return -1;
        Py_BEGIN_ALLOW_THREADS
        rc = wk_source_open(s, spec);
        Py_END_ALLOW_THREADS
        if (rc) return raise_wk_arg(rc, name), -1;
        return 0;
    }
    PyArrayObject *p = points(obj, name, NPY_FLOAT), *d = NULL;
    if (!p) return -1;
    /* wider values are kept too: a gen: source on the other side maps them into its run's units
     * before the float32 rounding (wk_source_match_units) */
    const int wide = !(PyArray_Check(obj) && (PyArray_TYPE((PyArrayObject *)obj) == NPY_FLOAT ||
                                              PyArray_TYPE((PyArrayObject *)obj) == NPY_HALF));
    if (wide && !(d = points(obj, name, NPY_DOUBLE))) {
        Py_DECREF(p);
        return -1;
    }
    wk_tensor t;
    cloud_tensor(p, &t);
    rc = wk_source_from_rows_f64(s, name, &t, d ? PyArray_DATA(d) : NULL);
    Py_DECREF(p);
    Py_XDECREF(d);
    return rc ? (raise_wk_arg(rc, name), -1) : 0;
}

/* A list of (name, text) settings applied with wk_nnd_config_set. */
static int nnd_settings(wk_nnd_config *c, PyObject *list) {
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        const char *k, *v;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(list, i), "ss", &k, &v)) return -1;
        int rc = wk_nnd_config_set(c, k, v);
        if (rc) return raise_wk(rc), -1;
    }
    return 0;
}

static PyObject *sb_to_str(wk_strbuf *sb) {
    PyObject *s = wk_sb_status(sb) ? PyErr_NoMemory() : PyUnicode_FromStringAndSize(sb->data ? sb->data : "", (Py_ssize_t)sb->len);
    wk_sb_free(sb);
    return s;
}

/* _nnd(A, B, settings: list of (name, text)) -> JSON text of `wgankit nnd --json` */
static PyObject *py_nnd(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *oa, *ob, *list;
    if (!PyArg_ParseTuple(args, "OOO!", &oa, &ob, &PyList_Type, &list)) return NULL;
    wk_nnd_config c;
    wk_nnd_config_default(&c);
    if (nnd_settings(&c, list)) return NULL;
    wk_source s[2];
    if (source_get(oa, "A", &s[0])) return NULL;
    if (source_get(ob, "B", &s[1])) {
        wk_source_close(&s[0]);
        return NULL;
    }
    wk_nnd_result r;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = wk_nnd_estimate(&c, &s[0], &s[1], &r);
    Py_END_ALLOW_THREADS
    wk_source_close(&s[0]);
    wk_source_close(&s[1]);
    if (rc) return raise_wk(rc);
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_nnd_result_to_json(&c, &r, &sb);
    return sb_to_str(&sb);
}

/* _generalization(source, sizes "100,300", repeats, distances "w1,nnd", projections, settings)
 * -> JSON text of table.json */
static PyObject *py_generalization(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *osrc, *list;
    const char *sizes, *dists;
    int repeats, projections;
    if (!PyArg_ParseTuple(args, "OsisiO!", &osrc, &sizes, &repeats, &dists, &projections, &PyList_Type, &list)) return NULL;
    wk_generalization_config c;
    wk_generalization_config_default(&c);
    c.arg_prefix = ""; /* the messages name the Python arguments sizes, distances, ..., not the CLI's flags */
    int rc = wk_generalization_parse_sizes(&c, sizes);
    if (!rc) rc = wk_generalization_parse_distances(&c, dists);
    if (rc) return raise_wk(rc);
    c.repeats = repeats;
    c.projections = projections;
    if (nnd_settings(&c.nnd, list)) return NULL;
    wk_source s;
    if (source_get(osrc, "source", &s)) return NULL;
    wk_generalization_result r;
    Py_BEGIN_ALLOW_THREADS
    rc = wk_generalization_run(&c, &s, &r, NULL);
    Py_END_ALLOW_THREADS
    if (rc) {
        wk_source_close(&s);
        return raise_wk(rc);
    }
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_generalization_result_to_json(&r, s.spec, &sb);
    wk_source_close(&s);
    return sb_to_str(&sb);
}

/* _birthday(source, batch, trials, threshold (< 0: from the reference), reference or None,
 * quantile, confidence, seed) -> JSON text of `wgankit birthday --json` */
static PyObject *py_birthday(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *osrc, *oref;
    long long batch;
    int trials;
    double threshold, quantile, confidence;
    unsigned long long seed;
    if (!PyArg_ParseTuple(args, "OLidOddK", &osrc, &batch, &trials, &threshold, &oref, &quantile, &confidence, &seed))
        return NULL;
    wk_birthday_config c;
    wk_birthday_config_default(&c);
    c.arg_prefix = ""; /* the messages name the Python arguments, not the CLI's flags */
    c.batch = batch, c.trials = trials, c.threshold = threshold, c.quantile = quantile, c.confidence = confidence, c.seed = seed;
    wk_source s, ref;
    memset(&ref, 0, sizeof ref);
    if (source_get(osrc, "source", &s)) return NULL;
    s.draw64 = 1; /* input space: closest pairs from a file's or array's float64 rows (exact as given) */
    int have_ref = 0, rc = WK_OK;
    if (threshold < 0) {
        if (oref != Py_None) {
            if (source_get(oref, "reference", &ref)) {
                wk_source_close(&s);
                return NULL;
            }
            ref.draw64 = 1;
        } else if (s.kind == WK_SOURCE_GENERATOR) {
            Py_BEGIN_ALLOW_THREADS
            rc = wk_source_open_run_data(&ref, wk_trainer_config(s.gen), wk_trainer_data_scale(s.gen));
            Py_END_ALLOW_THREADS
            if (rc) {
                wk_source_close(&s);
                return raise_wk_arg(rc, "reference (the run's training data)");
            }
        } else {
            wk_source_close(&s);
            return PyErr_Format(PyExc_ValueError, "threshold: none given, and source is not gen:RUN_DIR "
                                                  "(give threshold or reference)");
        }
        have_ref = 1;
    }
    wk_birthday_result r;
    memset(&r, 0, sizeof r);
    Py_BEGIN_ALLOW_THREADS
    rc = wk_birthday_run(&c, &s, have_ref ? &ref : NULL, NULL, NULL, &r);
    Py_END_ALLOW_THREADS
    PyObject *ret = NULL;
    if (rc) raise_wk(rc);
    else {
        wk_strbuf sb;
        wk_sb_init(&sb);
        wk_birthday_result_to_json(&r, &sb);
        ret = sb_to_str(&sb);
    }
    wk_birthday_result_free(&r);
    if (have_ref) wk_source_close(&ref);
    wk_source_close(&s);
    return ret;
}

/* The installed package ships models/fashion-mnist-lenet.safetensors beside itself (setup.py):
 * found relative to the package, not through the source checkout's path compiled into the library. */
static PyObject *py_set_default_features(PyObject *self, PyObject *args) {
    (void)self;
    const char *path;
    if (!PyArg_ParseTuple(args, "s", &path)) return NULL;
    wk_classifier_set_default_path(path);
    Py_RETURN_NONE;
}

static PyObject *py_default_features(PyObject *self, PyObject *noargs) {
    (void)self, (void)noargs;
    return PyUnicode_FromString(wk_classifier_default_path());
}

static PyMethodDef methods[] = {
    {"emd2", py_emd2, METH_VARARGS, "emd2(a, b, M) -> float (see wgankit.emd2)"},
    {"w1", py_w1, METH_VARARGS, "w1(X, Y, a, b, cost, p, plan, duals, threads) -> (value, plan, duals)"},
    {"sliced", py_sliced, METH_VARARGS, "sliced(X, Y, a, b, projections, seed, threads) -> (value, std_error)"},
    {"wasserstein_1d", py_w1d, METH_VARARGS, "wasserstein_1d(u, v, uw, vw, p) -> W_p^p"},
    {"sinkhorn2", py_sinkhorn2, METH_VARARGS, "sinkhorn2(a, b, M, reg, max_iter, tol) -> (<P, M>, marginal error)"},
    {"data", py_data, METH_VARARGS, "data(name, n, seed, opts) -> float32 [n, dim]"},
    {"train", py_train, METH_VARARGS, "train(settings, main_thread, mode) -> log text"},
    {"ckpt_load", py_ckpt_load, METH_VARARGS, "ckpt_load(path) -> handle"},
    {"ckpt_config", py_ckpt_config, METH_VARARGS, "ckpt_config(handle) -> (config JSON, step, kept data scaling JSON or None)"},
    {"ckpt_sample", py_ckpt_sample, METH_VARARGS, "ckpt_sample(handle, n, seed, latent, ema, component) -> float32 array"},
    {"ckpt_critic", py_ckpt_critic, METH_VARARGS,
     "ckpt_critic(handle, x, grad, data) -> (values [, grad], re-decided map or None); data: x in the data's units"},
    {"ckpt_lipschitz", py_ckpt_lipschitz, METH_VARARGS, "ckpt_lipschitz(handle, x) -> dict"},
    {"nnd", py_nnd, METH_VARARGS, "nnd(A, B, settings) -> JSON text (see wgankit.nnd)"},
    {"generalization", py_generalization, METH_VARARGS,
     "generalization(source, sizes, repeats, distances, projections, settings) -> JSON text"},
    {"birthday", py_birthday, METH_VARARGS,
     "birthday(source, batch, trials, threshold, reference, quantile, confidence, seed) -> JSON text"},
    {"settings", py_settings, METH_NOARGS, "settings() -> [(name, type, default, choices, help)]"},
    {"set_default_features", py_set_default_features, METH_VARARGS,
     "set_default_features(path): the shipped feature network's path in this installation"},
    {"default_features", py_default_features, METH_NOARGS, "default_features() -> the path image metrics use by default"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef moddef = {PyModuleDef_HEAD_INIT, "_wgankit",
                                    "C core of the wgankit package (use the wgankit module).", -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__wgankit(void) {
    import_array();
    PyObject *m = PyModule_Create(&moddef);
    if (m) {
        PyModule_AddIntConstant(m, "COST_EUCLIDEAN", WK_COST_EUCLIDEAN);
        PyModule_AddIntConstant(m, "COST_SQEUCLIDEAN", WK_COST_SQEUCLIDEAN);
        PyModule_AddIntConstant(m, "COST_MINKOWSKI", WK_COST_MINKOWSKI);
        PyModule_AddIntConstant(m, "POINTS_F64", POINTS_F64); /* float64 coordinates reach the library */
    }
    return m;
}
