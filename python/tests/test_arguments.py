"""Every scalar argument of every public function is checked by type and range (FINDINGS 2):
integers refuse 2.5, True, "3", 2**70 (no OverflowError), NaN and -1; numbers refuse True, "3",
NaN, Inf, 10**400 and out-of-range values; flags refuse 1, "yes", None; names and paths refuse
arrays and numbers (train(data=<ndarray>) used the array's printout as a file name). Each raises
ValueError whose message starts with the argument's name. The walk is driven by the signatures:
a public parameter missing from KINDS fails test_every_parameter_is_classified."""
import inspect
import math
import re

import numpy as np
import pytest

import wgankit

X = np.array([[0.0, 0.0], [1.0, 0.5], [0.3, 2.0], [1.5, 1.5]])
M = np.array([[0.0, 1.0], [1.0, 0.0]])

INT_BAD = [2.5, True, "3", 2 ** 70, float("nan"), -1]
NUM_BAD = [True, "3", float("nan"), float("inf"), 10 ** 400, -1]
FLAG_BAD = [1, "yes", None]
FLAG_OR_NONE_BAD = [1, "yes", 0.0]  # None is the default (ema: "the EMA generator when the run kept one")
STR_BAD = [np.arange(6.0).reshape(3, 2), 3, True]


@pytest.fixture(scope="module")
def ck(tmp_path_factory):
    out = tmp_path_factory.mktemp("args") / "r"
    return wgankit.train(out=str(out), steps=2, eval_every=1, gen_width=8, critic_width=8, batch=16, holdout=32,
                         eval_n=32, threads=1).checkpoint


# (function, parameter) -> kind; "array"/"source"/"kwargs" parameters are checked elsewhere
# (test_bad_input.py, test_limits.py) or below through their settings.
KINDS = {
    "emd2": dict(a="array", b="array", M="array"),
    "w1": dict(X="array", Y="array", a="array", b="array", metric="str", return_plan="flag", return_duals="flag",
               p="num", threads="int"),
    "wasserstein_1d": dict(u_values="array", v_values="array", u_weights="array", v_weights="array", p="num"),
    "sliced_w1": dict(X="array", Y="array", n_projections="int", seed="int", a="array", b="array",
                      return_std="flag", threads="int"),
    "sinkhorn2": dict(a="array", b="array", M="array", reg="num", numItermax="int", stopThr="num"),
    "data": dict(name="str", n="int", seed="int", dtype="dtype", opts="kwargs"),
    "train_settings": dict(),
    "train": dict(out="str", resume="flag", force="flag", settings="kwargs"),
    "Run": dict(out="str", log="str"),
    "Checkpoint": dict(path="str"),
    "Checkpoint.sample": dict(n="int", seed="int", latent="array", ema="flag_or_none", dtype="dtype", component="int"),
    "Checkpoint.critic": dict(x="array", grad="flag", scaled="flag"),
    "Checkpoint.lipschitz": dict(x="array", n="int", seed="int"),
    "nnd": dict(A="source", B="source", settings="kwargs"),
    "generalization": dict(source="source", sizes="int", repeats="int", distances="str", projections="int",
                           settings="kwargs"),
    "birthday": dict(source="source", batch="int", trials="int", threshold="num", reference="source",
                     quantile="num", confidence="num", seed="int"),
}


def test_every_parameter_is_classified():
    for name in wgankit.__all__:
        obj = getattr(wgankit, name)
        if name == "__version__":
            continue
        targets = [(name, obj.__init__ if inspect.isclass(obj) else obj)]
        if inspect.isclass(obj):
            targets += [("%s.%s" % (name, m), getattr(obj, m)) for m in vars(obj)
                        if not m.startswith("_") and inspect.isfunction(getattr(obj, m))]
        for key, fn in targets:
            params = [p for p in inspect.signature(fn).parameters if p != "self"]
            assert key in KINDS, key
            assert sorted(params) == sorted(KINDS[key]), (key, params)


def calls(ck):
    """(key, parameter, call(value)) for every int / num / flag / str / dtype parameter."""
    return [
        ("w1", "metric", lambda v: wgankit.w1(X, X, metric=v)),
        ("w1", "return_plan", lambda v: wgankit.w1(X, X, return_plan=v)),
        ("w1", "return_duals", lambda v: wgankit.w1(X, X, return_duals=v)),
        ("w1", "p", lambda v: wgankit.w1(X, X, metric="minkowski", p=v)),
        ("w1", "threads", lambda v: wgankit.w1(X, X, threads=v)),
        ("wasserstein_1d", "p", lambda v: wgankit.wasserstein_1d([0.0, 1.0], [0.5], p=v)),
        ("sliced_w1", "n_projections", lambda v: wgankit.sliced_w1(X, X, v)),
        ("sliced_w1", "seed", lambda v: wgankit.sliced_w1(X, X, 3, seed=v)),
        ("sliced_w1", "return_std", lambda v: wgankit.sliced_w1(X, X, 3, return_std=v)),
        ("sliced_w1", "threads", lambda v: wgankit.sliced_w1(X, X, 3, threads=v)),
        ("sinkhorn2", "reg", lambda v: wgankit.sinkhorn2([], [], M, v)),
        ("sinkhorn2", "numItermax", lambda v: wgankit.sinkhorn2([], [], M, 1.0, numItermax=v)),
        ("sinkhorn2", "stopThr", lambda v: wgankit.sinkhorn2([], [], M, 1.0, stopThr=v)),
        ("data", "name", lambda v: wgankit.data(v, 3)),
        ("data", "n", lambda v: wgankit.data("ring", v)),
        ("data", "seed", lambda v: wgankit.data("ring", 3, v)),
        ("data", "dtype", lambda v: wgankit.data("ring", 3, dtype=v)),
        ("data", "sigma", lambda v: wgankit.data("ring", 3, sigma=v)),
        ("train", "out", lambda v: wgankit.train(out=v, steps=1)),
        ("train", "data", lambda v: wgankit.train(out="unused-run", data=v, steps=1)),
        ("train", "steps", lambda v: wgankit.train(out="unused-run", steps=v)),
        ("train", "batch", lambda v: wgankit.train(out="unused-run", steps=1, batch=v)),
        ("train", "lr_d", lambda v: wgankit.train(out="unused-run", steps=1, lr_d=v)),
        ("train", "gen_bn", lambda v: wgankit.train(out="unused-run", steps=1, gen_bn=v)),
        ("train", "critic", lambda v: wgankit.train(out="unused-run", steps=1, critic=v)),
        ("train", "resume", lambda v: wgankit.train(out="unused-run", resume=v, steps=1)),
        ("train", "force", lambda v: wgankit.train(out="unused-run", force=v, steps=1)),
        ("Run", "out", lambda v: wgankit.Run(v)),
        ("Run", "log", lambda v: wgankit.Run("unused-run", v)),
        ("Checkpoint", "path", lambda v: wgankit.Checkpoint(v)),
        ("Checkpoint.sample", "n", lambda v: ck.sample(v)),
        ("Checkpoint.sample", "seed", lambda v: ck.sample(2, seed=v)),
        ("Checkpoint.sample", "ema", lambda v: ck.sample(2, ema=v)),
        ("Checkpoint.sample", "dtype", lambda v: ck.sample(2, dtype=v)),
        ("Checkpoint.sample", "component", lambda v: ck.sample(2, component=v)),
        ("Checkpoint.critic", "grad", lambda v: ck.critic(X, grad=v)),
        ("Checkpoint.critic", "scaled", lambda v: ck.critic(X, scaled=v)),
        ("Checkpoint.lipschitz", "n", lambda v: ck.lipschitz(n=v)),
        ("Checkpoint.lipschitz", "seed", lambda v: ck.lipschitz(n=4, seed=v)),
        ("nnd", "m", lambda v: wgankit.nnd(X, X + 1, m=v, steps=2)),
        ("nnd", "repeats", lambda v: wgankit.nnd(X, X + 1, repeats=v, steps=2)),
        ("nnd", "steps", lambda v: wgankit.nnd(X, X + 1, steps=v)),
        ("nnd", "check_every", lambda v: wgankit.nnd(X, X + 1, steps=2, check_every=v)),
        ("nnd", "patience", lambda v: wgankit.nnd(X, X + 1, steps=2, patience=v)),
        ("nnd", "w1", lambda v: wgankit.nnd(X, X + 1, steps=2, w1=v)),
        ("nnd", "phi", lambda v: wgankit.nnd(X, X + 1, steps=2, phi=v)),
        ("nnd", "critic_width", lambda v: wgankit.nnd(X, X + 1, steps=2, critic_width=v)),
        ("nnd", "lr_d", lambda v: wgankit.nnd(X, X + 1, steps=2, lr_d=v)),
        ("generalization", "sizes", lambda v: wgankit.generalization("ring", [4, v], distances="w1")),
        ("generalization", "repeats", lambda v: wgankit.generalization("ring", [4, 8], repeats=v, distances="w1")),
        ("generalization", "projections",
         lambda v: wgankit.generalization("ring", [4, 8], distances="sliced", projections=v)),
        ("generalization", "distances", lambda v: wgankit.generalization("ring", [4, 8], distances=[v])),
        ("birthday", "batch", lambda v: wgankit.birthday(X, v, 2, threshold=0.1)),
        ("birthday", "trials", lambda v: wgankit.birthday(X, 2, v, threshold=0.1)),
        ("birthday", "threshold", lambda v: wgankit.birthday(X, 2, 2, threshold=v)),
        ("birthday", "quantile", lambda v: wgankit.birthday(X, 2, 2, reference=X, quantile=v)),
        ("birthday", "confidence", lambda v: wgankit.birthday(X, 2, 2, threshold=0.1, confidence=v)),
        ("birthday", "seed", lambda v: wgankit.birthday(X, 2, 2, threshold=0.1, seed=v)),
    ]


# the kind of each walked keyword setting (train's from train_settings(), d_NN's knobs)
# (None for a setting means its default; a target option may be text, as the CLI's key=value)
SETTING_KINDS = {"sigma": "option", "data": "str", "steps": "int", "batch": "int", "lr_d": "num",
                 "gen_bn": "setting_flag", "critic": "str", "m": "int", "repeats": "int", "check_every": "int",
                 "patience": "int", "w1": "setting_flag", "phi": "str", "critic_width": "int"}
BAD = {"int": INT_BAD, "num": NUM_BAD, "flag": FLAG_BAD, "flag_or_none": FLAG_OR_NONE_BAD, "setting_flag": [1, "yes"], "str": STR_BAD,
       "dtype": [np.int8, "float16", object, 3], "option": [True, float("nan"), 10 ** 400, -1, X, None]}


def kind(key, param):
    k = KINDS[key].get(param)
    return SETTING_KINDS[param] if k in (None, "kwargs") else k


def test_walk_refuses_every_bad_value(ck):
    seen, wrong = set(), []
    for key, param, call in calls(ck):
        seen.add((key, param))
        for bad in BAD[kind(key, param)]:
            try:
                call(bad)
                wrong.append((key, param, bad, "accepted"))
            except ValueError as e:
                named = re.match(r"^%s\b" % re.escape(param), str(e)) or (
                    kind(key, param) == "option" and re.match(r"^ring: %s=" % param, str(e)))  # the library's form
                if not named:
                    wrong.append((key, param, bad, str(e)))
            except Exception as e:  # OverflowError, TypeError, OSError: the wrong kind of error
                wrong.append((key, param, bad, repr(e)))
    assert not wrong, "\n".join(map(repr, wrong))
    # every scalar parameter of KINDS is walked
    for key, params in KINDS.items():
        for p, k in params.items():
            if k in ("int", "num", "flag", "flag_or_none", "str", "dtype"):
                assert (key, p) in seen, (key, p)


def test_findings_examples(ck):
    """FINDINGS 2's examples, each once with its message."""
    Y = wgankit.data("grid", 40, seed=2)
    with pytest.raises(ValueError, match=r"^n: must be an integer in \[1, 100000000\], got 2.5"):
        ck.sample(2.5)
    with pytest.raises(ValueError, match=r"^n: must be an integer in \[1, 100000000\], got '3'"):
        ck.sample("3")
    with pytest.raises(ValueError, match=r"^n: must be an integer in \[1, 100000000\], got True"):
        ck.sample(True)
    with pytest.raises(ValueError, match=r"^n: must be an integer in \[1, 100000000\], got 1000000000"):
        ck.sample(10 ** 9)
    with pytest.raises(ValueError, match=r"^n: "):
        wgankit.data("ring", 2.5)
    with pytest.raises(ValueError, match=r"^n_projections: must be an integer in \[1, 1000000\]"):
        wgankit.sliced_w1(X, Y, 2.5)
    with pytest.raises(ValueError, match=r"^n_projections: "):
        wgankit.sliced_w1(X, Y, True)
    with pytest.raises(ValueError, match=r"^numItermax: must be an integer in \[1, 100000000\], got 2.5"):
        wgankit.sinkhorn2([], [], np.ones((2, 2)), 1.0, numItermax=2.5)
    with pytest.raises(ValueError, match=r"^numItermax: .*got 1099511627776"):
        wgankit.sinkhorn2([], [], np.ones((2, 2)), 1.0, numItermax=2 ** 40)
    for bad in (float("nan"), -1, 0):
        with pytest.raises(ValueError, match=r"^stopThr: must be a finite number in \(0, inf\)"):
            wgankit.sinkhorn2([], [], np.ones((2, 2)), 1.0, stopThr=bad)
    with pytest.raises(ValueError, match=r"^steps: must be an integer, got True"):
        wgankit.train(out="r1", data="ring", steps=True)
    with pytest.raises(ValueError, match=r"^data: must be a string \(a target or a file path\), got an ndarray"):
        wgankit.train(out="r2", data=np.arange(6.0).reshape(3, 2), steps=1)


def test_good_values_still_accepted(ck):
    """numpy integers and floats, ints for numbers, float64 reg, PathLike out."""
    assert ck.sample(np.int64(3)).shape[0] == 3
    assert wgankit.data("ring", np.int32(4), seed=np.uint8(1), sigma=0.05).shape == (4, 2)
    assert wgankit.sliced_w1(X, X, np.int16(5), return_std=np.bool_(False)) == 0.0
    assert math.isfinite(wgankit.sinkhorn2([], [], M, np.float32(1.0), numItermax=np.int64(50), stopThr=1))
    assert wgankit.w1(X, X, metric="minkowski", p=3) == 0.0
    assert wgankit.data("ring", 2, dtype="float64").dtype == np.float64


def test_library_messages_name_the_python_arguments():
    """FINDINGS round 6, 4d: generalization's and birthday's checks inside the library named the
    CLI's flags (--sizes, --distances, --batch) and were prefixed again ("distances: --distances")."""
    pts = np.random.default_rng(0).normal(size=(400, 2))
    cases = [(lambda: wgankit.generalization(pts, [50, 300], distances="w1"),
              "sizes: the largest m = 300 needs 2m distinct rows"),
             (lambda: wgankit.generalization(pts, [50, 100], distances=["w2"]), "distances: 'w2' is not w1, sliced or nnd"),
             (lambda: wgankit.generalization(pts, [50, 100], distances="w1,w1"), "distances w1,w1: 'w1' given twice"),
             (lambda: wgankit.birthday(pts, 500, 2, threshold=0.1), "batch 500 is larger than")]
    for call, want in cases:
        with pytest.raises(ValueError) as e:
            call()
        msg = str(e.value)
        assert msg.startswith(want) and "--" not in msg, msg
