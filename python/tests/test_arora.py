"""wgankit.nnd, wgankit.generalization and wgankit.birthday (issues 12 and 14): the same values as
the CLI's --json on the same sources, settings and seed (spec strings, and numpy arrays against
the same arrays saved as .npy), threads, and bad input raising ValueError naming the argument."""
import json
import math
import subprocess
import threading

import numpy as np
import pytest

import wgankit
from conftest import cli

FAST = dict(steps=60, critic_width=16, critic_depth=2, batch=64)
FAST_FLAGS = ["--steps", "60", "--critic-width", "16", "--critic-depth", "2", "--batch", "64"]


def run_json(args, tmp_path=None):
    # with --json stdout is exactly one JSON document (paths and human lines go to stderr)
    out = subprocess.run([cli()] + args, check=True, capture_output=True, text=True, cwd=tmp_path).stdout
    return json.loads(out)


def same(py, ref):
    """Equal dicts; the CLI's null (a standard error of one repeat, an infinite bound, an undefined
    birthday estimate) is NaN, inf or None in Python."""
    assert set(py) == set(ref), (sorted(py), sorted(ref))
    for k, v in ref.items():
        if v is None:
            assert py[k] is None or math.isnan(py[k]) or math.isinf(py[k]), k
        elif isinstance(v, dict):
            same(py[k], v)
        else:
            assert py[k] == v, (k, py[k], v)


def test_nnd_specs_equal_cli():
    ref = run_json(["nnd", "ring", "gaussian:dim=2,sigma=0.5", "-m", "300", "--seed", "3", "--repeats", "2", "--w1",
                    "--json"] + FAST_FLAGS)
    py = wgankit.nnd("ring", "gaussian:dim=2,sigma=0.5", m=300, seed=3, repeats=2, w1=True, **FAST)
    same(py, ref)
    assert py["critic"]["critic_width"] == 16 and py["repeats"] == 2
    assert 0 < py["nnd_heldout"] <= py["w1"] + 3 * py["se_w1"] + 3 * py["se"]  # d_D <= W1 (1-Lipschitz class)


def test_nnd_arrays_equal_cli_on_npy(tmp_path):
    rng = np.random.default_rng(0)
    A = rng.normal(size=(200, 3)).astype(np.float32)
    B = (rng.normal(size=(160, 3)) + [1.0, 0, 0]).astype(np.float32)
    np.save(tmp_path / "a.npy", A)
    np.save(tmp_path / "b.npy", B)
    ref = run_json(["nnd", "a.npy", "b.npy", "--seed", "7", "--phi", "log", "--json"] + FAST_FLAGS, tmp_path)
    py = wgankit.nnd(A, B, seed=7, phi="log", **FAST)
    for k in ("nnd_train", "nnd_heldout", "m", "m_b", "steps", "stopped", "phi", "critic"):
        assert py[k] == ref[k], k
    assert py["m"] == 200 and py["m_b"] == 160
    # float64 and Fortran-ordered input: rounded once to float32, the same values
    py64 = wgankit.nnd(np.asfortranarray(A.astype(np.float64)), B.tolist(), seed=7, phi="log", **FAST)
    assert py64["nnd_heldout"] == py["nnd_heldout"]


def test_generalization_equals_cli(tmp_path):
    ref = run_json(["generalization", "gaussian:dim=4,sigma=0.5", "--sizes", "20,40", "--repeats", "2", "--distances",
                    "w1,sliced,nnd", "--projections", "50", "--seed", "2", "--out", "g", "--json"] + FAST_FLAGS, tmp_path)
    py = wgankit.generalization("gaussian:dim=4,sigma=0.5", [20, 40], repeats=2, distances=["w1", "sliced", "nnd"],
                                projections=50, seed=2, **FAST)
    # the whole --json document, not only its rows
    assert set(py) == set(ref) == {"source", "repeats", "rows", "slopes"}
    assert py["source"] == ref["source"] == "gaussian:dim=4,sigma=0.5" and py["repeats"] == ref["repeats"] == 2
    same(py["slopes"], ref["slopes"])
    assert set(py["slopes"]) == {"w1", "sliced", "nnd_train", "nnd_heldout"}
    rows = py["rows"]
    assert len(rows) == 8 and len(rows) == len(ref["rows"])
    for py, r in zip(rows, ref["rows"]):
        same(py, r)
    assert {r["distance"] for r in rows} == {"w1", "sliced", "nnd_train", "nnd_heldout"}


def test_birthday_equals_cli(tmp_path):
    # 30 distinct points drawn with replacement: duplicates are exact (distance 0)
    pts = np.random.default_rng(1).normal(size=(30, 2)).astype(np.float32)
    X = pts[np.random.default_rng(2).integers(0, 30, size=600)]
    np.save(tmp_path / "x.npy", X)
    ref = run_json(["birthday", "x.npy", "--batch", "10", "--trials", "40", "--threshold", "1e-6", "--seed", "4",
                    "--out", "b", "--json"], tmp_path)
    py = wgankit.birthday(X, 10, trials=40, threshold=1e-6, seed=4)
    same(py, ref)
    assert 0 < py["duplicates"] < 40 and py["ci_low"] <= py["support_estimate"] <= py["ci_high"]
    # the threshold from a reference source: the same call through the CLI
    ref2 = run_json(["birthday", "ring", "--batch", "20", "--trials", "10", "--reference", "x.npy", "--json", "--out",
                     "b2"], tmp_path)
    same(wgankit.birthday("ring", 20, trials=10, reference=str(tmp_path / "x.npy")), ref2)


def test_birthday_every_batch_duplicated(tmp_path):
    """A duplicate in every batch (FINDINGS 10): the estimate and ci_low are undefined (None, the
    CLI's null), ci_high is the CLI's bound; no duplicate at all: the estimate and ci_high are inf."""
    rng = np.random.default_rng(1)
    base = rng.normal(size=(5, 2))
    X = base[rng.integers(0, 5, 400)]  # support: 5 points
    np.save(tmp_path / "tiny5.npy", X)
    ref = run_json(["birthday", "tiny5.npy", "--batch", "20", "--trials", "10", "--threshold", "1e-9", "--json",
                    "--out", "b"], tmp_path)
    py = wgankit.birthday(X, 20, trials=10, threshold=1e-9)
    assert py["duplicate_fraction"] == 1 and ref["support_estimate"] is None and ref["ci_low"] is None
    assert py["support_estimate"] is None and py["ci_low"] is None
    assert py["ci_high"] == ref["ci_high"] and 0 < py["ci_high"] < float("inf")
    # all distinct, threshold 0: nothing seen, the support is unbounded above
    Y = np.random.default_rng(3).normal(size=(200, 2))
    z = wgankit.birthday(Y, 10, trials=10, threshold=0)
    assert z["duplicate_fraction"] == 0 and z["support_estimate"] == float("inf") and z["ci_high"] == float("inf")
    assert 0 < z["ci_low"] < float("inf")


def test_threads_give_the_same_values():
    args = ("ring", "gaussian:dim=2,sigma=0.5")
    want = wgankit.nnd(*args, m=200, seed=5, **FAST)["nnd_heldout"]
    got = [None] * 4

    def work(i):
        got[i] = wgankit.nnd(*args, m=200, seed=5, **FAST)["nnd_heldout"]
    ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert got == [want] * 4


@pytest.mark.parametrize("call, name", [
    (lambda: wgankit.nnd(np.array([[0.0, np.nan], [1, 1]]), "ring"), "A"),
    (lambda: wgankit.nnd("ring", np.zeros((0, 2))), "B"),
    (lambda: wgankit.nnd("ring", np.zeros((10, 2), dtype=complex)), "B"),
    (lambda: wgankit.nnd("ring", np.zeros((10, 3))), "B"),                  # samples of another dimension
    (lambda: wgankit.nnd("gaussian:dim=x", "ring"), "A"),                 # a target spec that does not parse
    (lambda: wgankit.nnd("ring", np.ones((10, 2)), m=50), "-m 50"),          # m larger than the array
    (lambda: wgankit.nnd("ring", "ring", gen_depth=2), "gen_depth"),         # not a critic setting
    (lambda: wgankit.nnd("ring", "ring", critic_depth=-1), "critic_depth"),
    (lambda: wgankit.nnd("ring", "ring", phi="sqrt"), "phi"),
    (lambda: wgankit.nnd("ring", "ring", steps=0), "steps"),
    (lambda: wgankit.generalization("ring", [100, 50]), "sizes"),
    (lambda: wgankit.generalization("ring", 100), "sizes"),
    (lambda: wgankit.generalization("ring", [10, 20], distances="w1,js"), "distances"),
    (lambda: wgankit.generalization("ring", [10, 20], repeats=0), "repeats"),
    (lambda: wgankit.generalization(np.ones((30, 2)), [10, 20]), "source"),  # 2 x 20 disjoint rows > 30
    (lambda: wgankit.generalization("ring", [10, 20], m=5), "m"),
    (lambda: wgankit.birthday("ring", 1, threshold=0.1), "batch"),
    (lambda: wgankit.birthday("ring", 10, trials=0, threshold=0.1), "trials"),
    (lambda: wgankit.birthday("ring", 10, threshold=-1.0), "threshold"),
    (lambda: wgankit.birthday("ring", 10, threshold=float("nan")), "threshold"),
    (lambda: wgankit.birthday("ring", 10), "threshold"),                      # no threshold, no reference
    (lambda: wgankit.birthday("ring", 10, reference=np.ones((5, 3))), "reference"),
    (lambda: wgankit.birthday(np.ones((5, 2)), 10, threshold=0.1), "source"), # batch larger than the sample
])
def test_bad_input_raises_value_error_naming_it(call, name):
    with pytest.raises(ValueError) as e:
        call()
    assert name in str(e.value), str(e.value)


def test_missing_file_is_os_error():
    with pytest.raises((OSError, ValueError)) as e:
        wgankit.nnd("/nonexistent/x.npy", "ring")
    assert "A" in str(e.value)


def test_generator_source_equals_cli(tmp_path):
    """gen:RUN_DIR as a source; birthday's default threshold then comes from the run's data."""
    out = tmp_path / "r"
    wgankit.train(out=str(out), seed=2, steps=20, eval_every=20, gen_width=16, critic_width=16, batch=64, holdout=100,
                  eval_n=100, threads=1)
    ref = run_json(["birthday", "gen:r", "--batch", "30", "--trials", "8", "--json", "--out", "b"], tmp_path)
    py = wgankit.birthday("gen:" + str(out), 30, trials=8)
    assert py.pop("threshold_from") == ref.pop("threshold_from") == "reference"
    same(py, ref)
    ref = run_json(["nnd", "gen:r", "ring", "-m", "100", "--json"] + FAST_FLAGS, tmp_path)
    same(wgankit.nnd("gen:" + str(out), "ring", m=100, **FAST), ref)


def test_train_track_generalization(tmp_path):
    """train(track_generalization=True): the training/held-out keys in Run.metrics; refused
    without a finite training sample (ValueError naming the setting)."""
    run = wgankit.train(out=str(tmp_path / "t"), data="ring", data_n=1, holdout=50, steps=10, eval_every=10, eval_n=100,
                        gen_width=16, critic_width=16, batch=32, threads=1, track_generalization=True)
    m = run.metrics[-1]
    for k in ("w1_train", "w1_heldout", "d_D_train", "d_D_heldout"):
        assert math.isfinite(m[k]), k
    with pytest.raises(ValueError, match="track_generalization=1 needs a finite training sample"):
        wgankit.train(out=str(tmp_path / "u"), data="ring", steps=5, track_generalization=True)


def test_array_against_generator_in_the_runs_units(tmp_path):
    """A run trained on byte values (--scale auto: x / 127.5 - 1): an array of those bytes against
    gen:RUN is mapped into the run's units (it compared 0..255 with [-1, 1]), the same values as
    data:RUN (the run's data in its units; same rows, same order with the run's default seed) and as
    the CLI's nnd of the .npy."""
    x = np.random.default_rng(4).integers(0, 256, (300, 2)).astype(np.uint8)
    np.save(tmp_path / "bytes.npy", x)
    out = tmp_path / "b"
    wgankit.train(out=str(out), data=str(tmp_path / "bytes.npy"), steps=3, eval_every=3, gen_width=16, critic_width=16,
                  batch=32, holdout=50, eval_n=50, threads=1)
    py = wgankit.nnd(x.astype(np.float32), "gen:" + str(out), m=200, w1=True, **FAST)
    assert py["w1"] < 2 * math.sqrt(2)  # both sides in [-1, 1]^2
    ref = run_json(["nnd", "bytes.npy", "gen:b", "-m", "200", "--w1", "--json"] + FAST_FLAGS, tmp_path)
    assert ref == run_json(["nnd", "data:b", "gen:b", "-m", "200", "--w1", "--json"] + FAST_FLAGS, tmp_path)
    same(py, ref)
    same(wgankit.nnd("data:" + str(out), "gen:" + str(out), m=200, w1=True, **FAST), ref)
