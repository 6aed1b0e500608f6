"""wgankit — exact Wasserstein distances and Wasserstein GAN training from Python.

A thin layer over the C library (the ``_wgankit`` extension): numpy arrays in, numpy arrays out.

Conventions shared by every function:

* Arrays may be float32 or float64 (integers and booleans are converted), in any memory order or
  strides, or nested lists. Object, complex and string dtypes raise ``ValueError``.
* Distances are returned as Python floats (float64). float64 point coordinates reach the
  library unrounded (its ``*_f64`` forms), float32 ones as they are; costs are computed in
  float64; cost matrices and weights stay float64. Coordinates beyond 1e140 in magnitude raise
  ``ValueError`` (their squared distances would overflow float64).
* Bad input (NaN or Inf, mismatched dimensions, negative or unnormalised weights, an ``M`` whose
  shape disagrees with ``a``/``b``, 0-size arrays) raises ``ValueError`` naming the argument.
  Every scalar argument and setting is checked by type and range (the CLI's ranges): integers
  must be integers (not ``2.5``, ``True`` or ``"3"``), numbers must be real and non-boolean,
  flags must be ``bool``, names and paths ``str``; anything else raises ``ValueError`` naming it.
* float64 data the library holds as float32 (samples for a checkpoint's critic, sources of
  :func:`nnd` / :func:`birthday` / :func:`generalization`, latent codes) beyond float32's range
  raises ``ValueError`` naming the entry, never becomes Inf.
  Files raise ``OSError``; other library failures ``RuntimeError``. The C side never prints.
* Every call releases the GIL while it computes and runs under its own thread count, so calls
  from several Python threads run at once with correct results.
"""
import json
import math
import os
import threading
import warnings

import numpy as np

from . import _wgankit as _c

__version__ = "0.1.0"

# An installed package (setup.py) carries the shipped feature network of the image metrics beside
# itself; the library's compiled-in path points into the source checkout it was built from, which
# is moved or deleted after installing (then 28x28 runs silently lost FD/KID/IS/PR/DC). In the
# source tree (PYTHONPATH=python) there is no such copy and the checkout's models/ is used.
_SHIPPED_FEATURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models", "fashion-mnist-lenet.safetensors")
if os.path.isfile(_SHIPPED_FEATURES):
    _c.set_default_features(_SHIPPED_FEATURES)

__all__ = ["emd2", "w1", "wasserstein_1d", "sliced_w1", "sinkhorn2", "train", "Run", "Checkpoint", "data",
           "train_settings", "nnd", "generalization", "birthday", "__version__"]

# The CLI's bounds (src/cli: --threads 0..64, --seed 0..2^53-1, the largest integer a double and
# config.json hold exactly): the Python layer refuses the same values, so no call reaches the
# library with a thread count it cannot create or a seed the CLI could not reproduce.
_THREADS_MAX = 64
_SEED_MAX = 2 ** 53 - 1
_COUNT_MAX = 100000000  # the CLI's cap on sample/data -n and the d_NN knobs


def _integer(v, name, lo, hi):
    """v as an int in [lo, hi], else ValueError naming ``name`` (bools and non-integers too)."""
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not lo <= v <= hi:
        raise ValueError("%s: must be an integer in [%d, %d], got %r" % (name, lo, hi, v))
    return int(v)


def _real(v, name, lo=-math.inf, hi=math.inf, lo_open=False, hi_open=False):
    """v as a finite float in [lo, hi] (an open end with lo_open / hi_open), else ValueError
    naming ``name`` (bools, strings and other non-numbers too; never OverflowError)."""
    ok = not isinstance(v, bool) and isinstance(v, (int, float, np.integer, np.floating))
    if ok:
        try:
            x = float(v)
        except OverflowError:
            ok = False
    if ok:
        ok = math.isfinite(x) and (lo < x if lo_open else lo <= x) and (x < hi if hi_open else x <= hi)
    if not ok:  # an infinite end is open (a finite number never reaches it): [1, inf), not [1, inf]
        raise ValueError("%s: must be a finite number in %s%g, %g%s, got %r"
                         % (name, "(" if lo_open or math.isinf(lo) else "[", lo, hi,
                            ")" if hi_open or math.isinf(hi) else "]", v))
    return x


def _flag(v, name):
    """v as a bool (``True``/``False``, numpy's too), else ValueError naming ``name``."""
    if not isinstance(v, (bool, np.bool_)):
        raise ValueError("%s: must be True or False, got %r" % (name, v))
    return bool(v)


def _string(v, name, what="a string"):
    """v as a str (os.PathLike too when ``what`` says a path), else ValueError naming ``name``."""
    if isinstance(v, str) or ("path" in what and isinstance(v, os.PathLike)):
        return os.fspath(v)
    raise ValueError("%s: must be %s, got %s" % (name, what, "an ndarray" if isinstance(v, np.ndarray) else repr(v)))


def _dtype(v, name="dtype"):
    """numpy float32 or float64 (the library draws in float32; float64 widens exactly)."""
    try:
        d = np.dtype(v) if isinstance(v, (str, type, np.dtype)) else None
    except TypeError:
        d = None
    if d is None or d not in (np.dtype(np.float32), np.dtype(np.float64)):  # (np.dtype(None) is float64)
        raise ValueError("%s: must be float32 or float64, got %r" % (name, v))
    return d


def _threads(v):
    return _integer(v, "threads", 0, _THREADS_MAX)


def _seed(v, name="seed"):
    return _integer(v, name, 0, _SEED_MAX)


_COSTS = {"euclidean": _c.COST_EUCLIDEAN, "sqeuclidean": _c.COST_SQEUCLIDEAN, "minkowski": _c.COST_MINKOWSKI}


def emd2(a, b, M):
    """Exact optimal-transport cost for a dense cost matrix: POT's ``ot.emd2(a, b, M)``.

    Parameters
    ----------
    a : array (n,) — masses of the rows, finite and >= 0. An empty array (or list) means uniform 1/n.
    b : array (m,) — masses of the columns, same total as ``a`` (within 1e-6 relative), or empty.
        An empty side is uniform with total mass 1, so the other side must total 1; the error
        names the side whose total is off.
    M : array (n, m) — ground costs, finite (any sign), in the units of the returned cost.

    Returns
    -------
    float — ``sum(P * M)`` for an optimal plan P with marginals a and b (it scales with the total
    mass, as POT's does).

    Raises ``ValueError`` naming ``a``, ``b`` or ``M`` for bad input. Solved by the network
    simplex (the same algorithm as POT's, Bonneel et al. 2011) on each row's and column's cheapest
    pairs, adding the pairs that pricing passes over all of M find violated until none is (the
    last pass certifies the optimum); for point clouds use :func:`w1`, which never needs M.
    """
    return _c.emd2(a, b, M)


def w1(X, Y, a=None, b=None, metric="euclidean", return_plan=False, return_duals=False, p=2.0, threads=0):
    """Exact Wasserstein-1 distance between two weighted point clouds, without an n×m matrix.

    Equals ``ot.emd2(a, b, ot.dist(X, Y, "euclidean"))`` (POT) for ``metric="euclidean"``.

    Parameters
    ----------
    X : array (n, d) — points (a 1-D array is n points on the line); coordinates in any unit.
    Y : array (m, d) — points, same d.
    a, b : arrays (n,), (m,) or None — masses, finite, >= 0, summing to 1 within 1e-5 (the
        library's and the CLI's tolerance; then renormalised); None = uniform.
    metric : "euclidean" (W1, cost ||x - y||), "sqeuclidean" (W2², cost ||x - y||²) or
        "minkowski" (cost ||x - y||_p, with ``p`` >= 1).
    return_plan : also return the optimal plan as ``(i, j, mass)`` arrays (int64, int64, float64)
        of its nonzero entries (indices into X and Y).
    return_duals : also return dual potentials ``(u, v)`` (float64 (n,), (m,)) with
        u_i + v_j <= c_ij and value = a·u + b·v (NaN for points of zero mass).
    threads : threads for this call (0 = all cores).

    Returns
    -------
    float, or a tuple ``(value, plan)``, ``(value, duals)`` or ``(value, plan, duals)``.

    The solver (network simplex or, for n = m uniform, auction + Hungarian, priced against every
    pair so the result is exactly optimal) is the library's ``wk_w1_exact``; small problems (n·m up
    to 40,000, or 262,144 from 8 coordinates on) store all n·m costs and run the simplex on them; a side of at most 64
    points against 64 times as many or more, with any weights, is solved by successive shortest paths over the few points (10 against
    200,000: about 1 s). float64 coordinates are
    used unrounded (``wk_w1_exact_f64``), costs are computed in float64.
    """
    if not isinstance(metric, str) or metric not in _COSTS:
        raise ValueError("metric: %r is not one of %s" % (metric, ", ".join(sorted(_COSTS))))
    return_plan, return_duals = _flag(return_plan, "return_plan"), _flag(return_duals, "return_duals")
    value, plan, duals = _c.w1(X, Y, a, b, _COSTS[metric], _real(p, "p", 1), return_plan, return_duals,
                               _threads(threads))
    out = (value,) + ((plan,) if return_plan else ()) + ((duals,) if return_duals else ())
    return out[0] if len(out) == 1 else out


def wasserstein_1d(u_values, v_values, u_weights=None, v_weights=None, p=1):
    """Exact 1-D optimal transport cost with ground cost |x - y|^p, i.e. W_p^p (W1 for p = 1).

    Same meaning as POT's ``ot.wasserstein_1d`` (which also returns the p-th power).

    u_values : array (n,) ; v_values : array (m,) — values on the line (shape (n, 1) accepted).
    u_weights, v_weights : arrays or None — masses, >= 0, summing to 1 within 1e-5
        (then renormalised); None = uniform.
    p : float >= 1.

    Computed exactly by merging the two quantile functions (sorting): O((n + m) log(n + m)).
    """
    return _c.wasserstein_1d(u_values, v_values, u_weights, v_weights, _real(p, "p", 1))


def sliced_w1(X, Y, n_projections=200, seed=0, a=None, b=None, return_std=False, threads=0):
    """Sliced Wasserstein-1: the mean over ``n_projections`` random unit directions (seeded) of
    the exact 1-D W1 between the projected clouds (Rabin et al. 2011; Bonneel et al. 2015).

    X : (n, d), Y : (m, d) arrays; a, b : masses summing to 1 within 1e-5 (then renormalised) or None (uniform).
    Returns a float, or ``(value, std_error)`` with the Monte-Carlo standard error when
    ``return_std`` (NaN for ``n_projections`` = 1: one direction gives no estimate of the spread;
    the CLI's JSON writes null). Same seed, same directions.
    """
    n_projections = _integer(n_projections, "n_projections", 1, 1000000)  # the CLI's --projections
    seed, threads, return_std = _seed(seed), _threads(threads), _flag(return_std, "return_std")
    value, err = _c.sliced(X, Y, a, b, n_projections, seed, threads)
    return (value, err) if return_std else value


def sinkhorn2(a, b, M, reg, numItermax=1000, stopThr=1e-9):
    """Entropic optimal transport cost: POT's ``ot.sinkhorn2(a, b, M, reg)``.

    a : (n,), b : (m,) masses (empty = uniform with total 1; otherwise equal totals, as in
    :func:`emd2`), M : (n, m) costs, reg > 0 in the units of M.
    Returns ``sum(P * M)`` for the entropic plan P = diag(e^{f/reg}) e^{-M/reg} diag(e^{g/reg})
    (Cuturi 2013), iterated in the log domain (stable for small reg) with ε-scaling (from the
    cost range down to ``reg``, halving; Schmitzer 2019) until the marginal L1 error is below
    ``stopThr`` (> 0) or after ``numItermax`` iterations in all (1 .. 100,000,000). The value
    is POT's wherever POT converges (``method="sinkhorn_log"`` for small reg).

    Not converged: as POT, the value is returned with a warning — a ``RuntimeWarning``
    "Sinkhorn did not converge" giving the marginal error (turn it into an exception with
    ``warnings.simplefilter("error", RuntimeWarning)``). ``reg`` below 1e-9 x max|M| raises
    ``ValueError`` naming ``reg``: float64 cannot resolve such a plan (the CLI's ``--eps``
    floor).
    """
    reg = _real(reg, "reg", 0, lo_open=True)
    numItermax = _integer(numItermax, "numItermax", 1, _COUNT_MAX)
    stopThr = _real(stopThr, "stopThr", 0, lo_open=True)
    value, err = _c.sinkhorn2(a, b, M, reg, numItermax, stopThr)
    if not err < stopThr:
        warnings.warn("Sinkhorn did not converge: marginal L1 error %.3g >= stopThr %.3g after numItermax = %d "
                      "iterations (increase numItermax or reg)" % (err, stopThr, numItermax), RuntimeWarning,
                      stacklevel=2)
    return value


def data(name, n, seed=0, dtype=np.float32, **opts):
    """Draw ``n`` points from a synthetic target: ``ring``, ``grid``, ``swissroll``, ``gmm``,
    ``gaussian``, ``uniform-sphere`` or ``mixture1d`` (the same generator as ``wgankit data``;
    keyword options as its ``key=value`` options, e.g. ``data("ring", 1000, 1, k=8, sigma=0.02)``, or
    given in the name as ``--data`` takes them, ``data("ring:k=8,sigma=0.02", 1000, 1)``).

    Returns an array (n, dim) of ``dtype`` (float32 by default; the library draws in float32).
    Raises ValueError for an unknown target or option.
    """
    name, n, seed, dtype = _string(name, "name"), _integer(n, "n", 1, _COUNT_MAX), _seed(seed), _dtype(dtype)
    pts = _c.data(name, n, seed, ["%s=%s" % (k, _option(v, k)) for k, v in opts.items()])
    return pts.astype(dtype, copy=False)


def train_settings():
    """Every train setting: a list of dicts with name, type, default (as text), choices, help —
    the keys of ``config.json`` and the keywords of :func:`train`."""
    return [dict(name=n, type=t, default=d, choices=c, help=h) for n, t, d, c, h in _c.settings()]


def _option(v, name):
    """A target option's value as text: a number (not a bool) or a str (the CLI's key=value text;
    the target's parser checks it and names the option)."""
    if isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return str(int(v))
    return repr(_real(v, name))


_NND_KNOBS = {"m": "int", "repeats": "int", "steps": "int", "check_every": "int", "patience": "int", "w1": "bool",
              "phi": "str"}
_SETTING_TYPES = {}


def _setting(k, v):
    """A train / d_NN setting's value as the text config.json would hold, after checking its
    type (the ranges are the library's, the CLI's): ints integers, floats real numbers, bools
    ``bool``, strings ``str`` (``data``, ``out``, ``resume``: a path too). ValueError naming k."""
    if not _SETTING_TYPES:
        _SETTING_TYPES.update((name, t) for name, t, _d, _ch, _h in _c.settings())
    t = _NND_KNOBS.get(k) or _SETTING_TYPES.get(k)
    if t == "bool":
        return "1" if _flag(v, k) else "0"
    if t == "int":
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError("%s: must be an integer, got %r" % (k, v))
        return str(int(v))  # the range: the library's message (no OverflowError for any size)
    if t == "float":
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            return str(int(v))
        return repr(_real(v, k))
    if t == "str":
        return _string(v, k, "a string (a target or a file path)" if k in ("data", "resume", "out") else "a string")
    if t is None:  # unknown name: the library refuses it by name, whatever the value
        return v if isinstance(v, str) else repr(v)
    if isinstance(v, str):
        return v
    return _option(v, k)


class Run:
    """The result of :func:`train`: ``out`` (run directory), ``metrics`` (list of dicts, one per
    evaluation, from metrics.jsonl), ``checkpoint`` (a :class:`Checkpoint` of the final state),
    ``log`` (the progress text the CLI would have printed)."""

    def __init__(self, out, log=""):
        self.out = _string(out, "out", "a path (the run directory)")
        self.log = _string(log, "log")
        self.metrics = []
        path = os.path.join(self.out, "metrics.jsonl")
        if os.path.exists(path):
            with open(path) as f:
                self.metrics = [json.loads(line) for line in f if line.strip()]
        self._checkpoint = None

    @property
    def checkpoint(self):
        if self._checkpoint is None:
            self._checkpoint = Checkpoint(os.path.join(self.out, "checkpoint.safetensors"))
        return self._checkpoint

    def __repr__(self):
        return "Run(%r, %d evaluations)" % (self.out, len(self.metrics))


def train(out, resume=False, force=False, **settings):
    """Train a (Wasserstein) GAN into the run directory ``out``, as ``wgankit train --out OUT``.

    Any train setting is a keyword, spelled as in config.json (see :func:`train_settings`), e.g.
    ``train(out="runs/a", data="ring", steps=2000, critic="bjorck", seed=1)``. Same settings, seed
    and threads give bit-identical weights to the CLI's.

    An ``out`` that already holds a run is refused (ValueError) unless ``resume=True`` continues
    it from its checkpoint (``wgankit train --resume OUT``: the run's own settings, which the
    keywords override, e.g. ``train(out, resume=True, steps=4000)``; ``resume`` may also be the
    run directory itself) or ``force=True`` replaces it (``--force``: the old run stays until the
    new run's first checkpoint). A resume keeps the problem: other data, data_n or holdout are
    refused unless ``resume_data_changed=True``.

    Returns a :class:`Run`. Ctrl-C stops training between two steps and raises
    KeyboardInterrupt (the run directory keeps its last checkpoint: ``resume=True`` continues
    it). Bad settings raise ValueError naming the setting; unreadable data OSError; a diverging
    run RuntimeError; a run that does not fit the process's memory limit (``resource.RLIMIT_AS``,
    ``ulimit -v``) MemoryError giving the limit and the sizes (the CLI's exit 2).
    """
    out = _string(out, "out", "a path (the run directory)")
    if isinstance(resume, (str, os.PathLike)):
        path = os.fspath(resume)
        if os.path.realpath(path) != os.path.realpath(out):
            raise ValueError("resume: %r is not out %r: resume=True (or resume=out) continues the run in out" % (path, out))
        resume = True
    resume, force = _flag(resume, "resume"), _flag(force, "force")
    if resume and force:
        raise ValueError("resume=True continues a run and force=True replaces one: give one of them")
    items = [("out", out)] + [(k, _setting(k, v)) for k, v in settings.items()]
    mode = 1 if resume else 2 if force else 0  # WK_RUN_RESUME, WK_RUN_FORCE, WK_RUN_NEW
    try:
        log = _c.train(items, threading.current_thread() is threading.main_thread(), mode)
    except ValueError as e:  # the library's "a resume", "a forced run": say this function's keywords
        msg = str(e)
        if " already holds a run " in msg:
            msg = msg.replace("a resume continues it", "resume=True continues it")
            msg = msg.replace("a forced run replaces it", "force=True replaces it")
            raise ValueError(msg) from None
        raise
    return Run(out, log)


class Checkpoint:
    """A trained GAN loaded from a checkpoint file (``checkpoint.safetensors``).

    ``config`` is the resolved training config (dict); ``step`` the generator steps done.
    Methods may be called from several threads; calls on one Checkpoint run one at a time.
    A data-parallel run's checkpoint (``config["data_parallel"]`` 1) loads in any process: its K
    shards are computed here, the same model as the ranks'.
    """

    def __init__(self, path):
        self.path = _string(path, "path", "a path (a checkpoint file)")
        self._h = _c.ckpt_load(self.path)
        cfg, self.step, scale = _c.ckpt_config(self._h)
        self.config = json.loads(cfg)
        self.data_scale = json.loads(scale) if scale is not None else None
        shape = self.config.get("sample_shape", "")
        self.sample_shape = tuple(int(s) for s in shape.split("x")) if shape else ()
        self.latent_dim = int(self.config["latent_dim"])

    @property
    def has_ema(self):
        """Whether the run kept an EMA copy of its generator (trained with ``ema`` > 0)."""
        return float(self.config.get("ema", 0)) > 0

    def sample(self, n=None, seed=None, latent=None, ema=None, dtype=np.float32, component=None):
        """Generate ``n`` samples (default 64): an array (n, *sample_shape) of ``dtype``, in the
        data's scaled units ([-1, 1] for images). ``seed`` (default 0) draws the latent codes as
        ``wgankit sample --seed`` does, so the result equals the CLI's bit for bit; or give
        ``latent`` codes (rows, latent_dim): one sample per row (an ``n`` other than the rows is
        refused, as the CLI refuses -n with --latent). ``ema`` chooses the generator as
        ``wgankit sample --generator`` does: ``None`` (default) the EMA generator when the run
        kept one (:attr:`has_ema`), else the raw one; ``True`` the EMA generator (a run trained
        with ``ema=0`` raises ValueError, as ``--generator ema`` exits 2); ``False`` the raw one.

        MIX+GAN checkpoints (``config["mix"]`` = T > 1): each row's generator is drawn with
        probability w_G from ``seed``, with ``latent`` too, so the same codes give other samples
        under another seed. ``component`` (0..T-1) takes every row from that generator instead:
        with ``latent`` the result is then a function of the codes alone (``sample --component``).
        A single GAN has component 0 only."""
        if latent is not None:
            lat = np.asarray(latent)
            if lat.ndim != 2 or lat.shape[1] != self.latent_dim:
                raise ValueError("latent: must have shape (n, %d), got %r" % (self.latent_dim, lat.shape))
            if n is not None and not (isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n == lat.shape[0]):
                raise ValueError("n=%r and latent exclude each other: latent gives one sample per row (%d rows); "
                                 "leave n out" % (n, lat.shape[0]))
            n = lat.shape[0]
        n = 64 if n is None else n
        n, dtype = _integer(n, "n", 1, _COUNT_MAX), _dtype(dtype)
        ema = self._generator(ema)
        s = 0 if seed is None else _seed(seed)
        T = int(self.config.get("mix", 1))
        comp = -1 if component is None else _integer(component, "component", 0, T - 1)
        return _c.ckpt_sample(self._h, n, s, latent, ema, comp).astype(dtype, copy=False)

    def _generator(self, ema):
        """``ema`` (None, True or False) as the flag the library takes: whether to use the EMA
        generator; an explicit True on a run without one is refused (the CLI's exit 2)."""
        if ema is None:
            return self.has_ema
        ema = _flag(ema, "ema")
        if ema and not self.has_ema:
            raise ValueError("ema=True: %s was trained without an EMA generator (ema=0); use ema=False "
                             "(or leave ema out)" % self.path)
        return ema

    def critic(self, x, grad=False, scaled=True):
        """Critic values D(x) as a float64 array (n,) for samples x (n, *sample_shape) (or
        (n, dim)); with ``grad`` also ∇ₓD(x) (float64, the shape of x). ``scaled=True`` (default):
        x is in the run's scaled units, as :meth:`sample` returns them (``wgankit critic --input X
        --scaled``). ``scaled=False``: x is data in the units of the run's training data and is
        mapped as ``wgankit critic --input X`` maps a file, by the same library code: by the
        scaling the run resolved on its data and kept (:attr:`data_scale`), from x's float64
        values, so the same points give the same values whatever their dtype (1 or 1.0); for a
        checkpoint older than kept scalings (``data_scale`` None) by the run's ``scale`` setting
        re-decided on x by the rule wgankit trained with then, as every CLI command does for such
        a checkpoint, and a ``UserWarning`` says so and gives the map (the CLI's stderr line).
        The gradient is with respect to the scaled points.

        ``data_scale`` is that map: ``{"scale": "none"|"u8"|"minmax", "mul": [...], "add": [...]}``,
        value j of a sample mapped to ``x * mul[j % n] + add[j % n]`` (n = len(mul): 1, or one
        per column of point data under minmax)."""
        x = np.asarray(x) if not isinstance(x, np.ndarray) else x
        grad = _flag(grad, "grad")
        r, redecided = _c.ckpt_critic(self._h, x, grad, not _flag(scaled, "scaled"))
        if redecided is not None:
            warnings.warn("x scaled into the run's units by the run's scale setting re-decided on x (%s predates "
                          "kept scalings): %s" % (self.path, redecided), UserWarning, stacklevel=2)
        if grad:
            return r[0].astype(np.float64), r[1].astype(np.float64).reshape(np.shape(x))
        return r.astype(np.float64)

    def lipschitz(self, x=None, n=1000, seed=0):
        """The critic's Lipschitz report (Biau et al. 2021, §4): certified upper bounds (product of
        layer norms; Gershgorin) and measured lower bounds (max/mean ‖∇ₓD‖, max pair ratio) on the
        points x (default: ``n`` generated samples drawn with ``seed``). Returns a dict. On a MIX+GAN
        checkpoint the critic is the mixture Σ_j w_D[j]·D_j that :meth:`critic` returns: the
        certified bounds are Σ_j w_D[j]·(D_j's), upper bounds of its constant; the measured ones
        are the mixture's own. ``pair_max`` is NaN when no sampled pair has two distinct points
        (one point, or all points equal: the ratio is undefined), and ``certified`` (with
        ``certified_gershgorin``) is ``inf`` where the critic has no finite bound (a layer norm,
        which is not globally Lipschitz). This and :meth:`critic` raise RuntimeError when the critic's values or
        gradients come out NaN/Inf (weights that are finite but overflow float32's forward pass):
        no NaN/Inf value or gradient is returned."""
        n, seed = _integer(n, "n", 1, _COUNT_MAX), _seed(seed)
        if x is None:
            x = self.sample(n, seed)
        return _c.ckpt_lipschitz(self._h, x)  # checked there as critic's x (finite, float32's range)

    def __repr__(self):
        return "Checkpoint(%r, step %d)" % (self.path, self.step)


# ---- Arora et al. (2017) toolset: sources, d_NN, generalization, birthday ------------------------
_SOURCE_DOC = """    A *source* is a spec string, as the CLI reads it: a data file (NPY, CSV, IDX/.gz, CIFAR-10
    .bin; a finite sample of its rows, values as stored), a synthetic target (``"ring"``,
    ``"gaussian:dim=64,sigma=0.125"``, ...; a population) or ``"gen:RUN_DIR"`` /
    ``"gen:PATH.safetensors"`` (fresh draws from a trained generator; a population). It may also
    be an array of points (n, d) (a 1-D array: n points in 1-D), float32 or float64 or integer,
    finite, of at least 2 rows as a file must be (fewer raise ``ValueError`` "need at least 2
    samples", for the array as for its .npy): a finite sample, rounded once to float32 (the library's sample type), so a float32
    array gives exactly what the CLI gives on the same array saved as .npy."""


def _source(x):
    return os.fspath(x) if isinstance(x, (str, os.PathLike)) else x


def _settings(settings, skip=()):
    for k in skip:
        if k in settings:
            raise ValueError("%s: not a setting of this function" % k)
    return [(k, _setting(k, v)) for k, v in settings.items() if v is not None]


def nnd(A, B, **settings):
    """The neural net distance d_{F,φ}(A, B) (Arora, Ge, Liang, Ma & Zhang, ICML 2017, §3), as
    ``wgankit nnd A B --json``: a fresh critic of the class F is trained on a training half of
    each sample and the objective E_A φ(D) + E_B φ(1 − D) − 2φ(1/2) is read on both halves.

    Parameters
    ----------
    A, B : sources (see below) with samples of one shape.
    **settings : the critic class and its optimizer, spelled as ``train``'s settings
        (``critic``, ``critic_depth``, ``critic_width``, ``groupsort_k``, ``lr_d``, ``batch``,
        ``seed`` (default 1), ``threads``, ...), and the fitting knobs: ``m`` (points per side;
        default every row of a file, 10,000 from a population), ``repeats`` (default 1),
        ``phi`` (``"identity"``: the IPM / WGAN form, Biau et al.'s d_D; ``"log"``: the GAN
        form with a sigmoid critic), ``steps`` (default 2000), ``check_every`` (100),
        ``patience`` (5; 0 = never stop early), ``w1`` (True: also the exact W1 between the same
        held-out halves).

    Returns
    -------
    dict with the keys of ``wgankit nnd --json``: ``nnd_train`` (on the training halves, biased
    upwards), ``nnd_heldout`` (the honest estimate), ``se`` / ``se_train`` (standard errors of
    the means over repeats, NaN for one repeat), ``repeats``, ``m``, ``m_b``, ``steps`` (mean
    critic steps), ``stopped`` (``"patience"``, ``"steps"`` or ``"mixed"``), ``stopped_patience``, ``phi``, ``critic`` (class settings and ``params``) and with
    ``w1`` the keys ``w1`` and ``se_w1``. Distances are in the units of the samples (float64); a
    file or array compared with a ``gen:RUN`` source is first mapped into the run's units by the
    scaling the run resolved on its training data and kept (``Checkpoint.data_scale``; never
    re-decided on this data's values), as the CLI's (``"data:RUN"`` is the run's data already in
    those units); for a checkpoint older than kept scalings the run's scale setting is re-decided
    on this data by the rule wgankit trained with then, as the CLI does (stderr says so).
    The same settings and seed give the CLI's values exactly.

    Raises ``ValueError`` naming the argument or setting (bad array, unknown source, samples of
    different shapes, m larger than a file, an unknown or out-of-range setting), ``OSError``
    for an unreadable file.

    """
    r = json.loads(_c.nnd(_source(A), _source(B), _settings(settings)))
    for k in ("se", "se_train", "se_w1"):
        if k in r and r[k] is None:
            r[k] = float("nan")
    return r


def generalization(source, sizes, repeats=3, distances=("w1", "nnd"), projections=200, **settings):
    """How fast the distance between two samples of ONE distribution goes to 0 as the sample
    size m grows (Arora et al. 2017, §3 and their Example), as ``wgankit generalization SOURCE
    --json``: for each m, ``repeats`` pairs of independent samples of size m (fresh draws from a
    population; disjoint subsamples of a file) and the distance between the two samples of each
    pair, whose population value is 0. W1 between samples of N(0, I/64) stays near 1, the neural
    net distance falls like m^{-1/2}.

    Parameters
    ----------
    source : a source (see below).
    sizes : strictly increasing integers >= 2 (d_NN: >= 4), at most 32 of them.
    repeats : pairs per size (>= 1; >= 2 gives standard errors).
    distances : names among ``"w1"`` (exact W1), ``"sliced"`` (sliced W1 with ``projections``
        directions) and ``"nnd"`` (d_NN, reported as ``nnd_train`` and ``nnd_heldout``); a list
        or a comma-separated string.
    **settings : the d_NN critic class and fitting settings of :func:`nnd` (not ``m``,
        ``repeats``, ``w1``); ``seed`` seeds every draw.

    Returns
    -------
    dict with the keys of ``wgankit generalization --json`` (its table.json): ``source`` (the
    spec), ``repeats``, ``rows`` (a list of dicts ``{"m", "distance", "mean", "se"}``, one per
    size and measured distance) and ``slopes`` (distance name -> slope of the log-log fit of
    mean against m). Distances are float64 in the units of the samples; the CLI's null (``se``
    of one repeat, a slope that cannot be fitted) is NaN.

    Raises ``ValueError`` naming ``sizes``, ``distances``, ``source`` or the setting.

    """
    if isinstance(sizes, (int, np.integer)) or isinstance(sizes, (str, bytes)):
        raise ValueError("sizes: must be a sequence of increasing integers, got %r" % (sizes,))
    sizes = list(sizes)
    if not sizes or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in sizes):
        raise ValueError("sizes: must be a non-empty sequence of integers, got %r" % (sizes,))
    if isinstance(distances, str):
        distances = distances.split(",")
    distances = list(distances)
    if not distances or any(not isinstance(d, str) for d in distances):
        raise ValueError("distances: must name some of w1, sliced, nnd, got %r" % (distances,))
    sizes = [_integer(v, "sizes", 2, _COUNT_MAX) for v in sizes]
    repeats = _integer(repeats, "repeats", 1, 1000000)
    projections = _integer(projections, "projections", 1, 1000000)
    t = json.loads(_c.generalization(_source(source), ",".join(str(v) for v in sizes), repeats,
                                     ",".join(distances), projections,
                                     _settings(settings, skip=("m", "repeats", "w1"))))
    for row in t["rows"]:
        if row.get("se") is None:
            row["se"] = float("nan")
    for k, v in t.get("slopes", {}).items():
        if v is None:
            t["slopes"][k] = float("nan")
    return t


def birthday(source, batch, trials=100, threshold=None, reference=None, quantile=0.05, confidence=0.95, seed=1):
    """The birthday-paradox test of a distribution's support size (Arora & Zhang 2018), as
    ``wgankit birthday SOURCE --batch S --json``: ``trials`` batches of ``batch`` samples, the
    exact closest pair of each; if a fraction q of batches holds a pair at distance <=
    ``threshold``, the support is about S(S−1) / (2 ln(1/(1−q))), with a Wilson interval of q at
    ``confidence`` carried through.

    Parameters
    ----------
    source : a source (see below); a file or array gives distinct rows per batch.
    batch : S >= 2 samples per batch.
    trials : K >= 1 batches.
    threshold : duplicate distance (>= 0, Euclidean, in the units of the samples); None: the
        ``quantile`` of the closest-pair distances of ``reference`` (a source) at the same S, or
        for a ``gen:`` source of its run's training data.
    seed : integer >= 0.

    Returns
    -------
    dict with the keys of ``wgankit birthday --json``: ``support_estimate``, ``ci_low``,
    ``ci_high`` (where the CLI writes null: ``inf`` for ``support_estimate`` and ``ci_high`` when no
    duplicate was seen; ``None`` for ``support_estimate`` and ``ci_low`` when every batch held one,
    where only ``ci_high`` bounds the support), ``duplicate_fraction``,
    ``batch``, ``trials``, ``threshold``, ``duplicates`` and ``threshold_from`` (``"given"`` or
    ``"reference"``).

    Raises ``ValueError`` naming the argument (``batch`` < 2, ``trials`` < 1, a negative or
    non-finite ``threshold``, no threshold and no reference, a bad source or array).

    """
    batch = _integer(batch, "batch", 2, 10000000)
    trials = _integer(trials, "trials", 1, 10000000)
    seed = _seed(seed)
    if threshold is None:
        thr = -1.0
    else:
        thr = _real(threshold, "threshold", 0, 1e300)  # the CLI's --threshold range
    quantile = _real(quantile, "quantile", 0, 1, lo_open=True, hi_open=True)
    confidence = _real(confidence, "confidence", 0, 1, lo_open=True, hi_open=True)
    r = json.loads(_c.birthday(_source(source), batch, trials, thr,
                               None if reference is None else _source(reference), quantile, confidence, seed))
    # The CLI's null has two meanings (wk_support_estimate, birthday.h): with no duplicate seen
    # (q = 0) the estimate and ci_high are unbounded (inf); with a duplicate in every batch (q = 1)
    # the estimate and ci_low are undefined (None), only ci_high bounds the support.
    unbounded = r.get("duplicate_fraction") == 0
    for k in ("support_estimate", "ci_low", "ci_high"):
        if r.get(k) is None:
            r[k] = float("inf") if unbounded else None
    return r


for _f in (nnd, generalization, birthday):  # the shared paragraph on sources (none under python -OO)
    if _f.__doc__:
        _f.__doc__ = _f.__doc__.rstrip(" ") + _SOURCE_DOC + "\n"
del _f
