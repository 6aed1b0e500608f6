"""The one conversion of array arguments (as_real / points / weights in _wgankit.c), held to the
rules of the CLI's file readers, since an array is the same source as that array saved as .npy:
64-bit integers beyond 2^53, which float64 would round, are refused naming the argument and the
entry (FINDINGS tester8 #4: W1 0 for points 1 apart); a 0-d array is one point (one weight), as a
0-d .npy file is; and a range message never includes the value it refuses (#7b: "[1, inf], got inf")."""
import os
import subprocess
import sys

import numpy as np
import pytest

import wgankit
from conftest import cli

B53 = 2 ** 53


@pytest.mark.parametrize("call", [
    lambda X, Y: wgankit.w1(X, Y),
    lambda X, Y: wgankit.wasserstein_1d(X.ravel(), Y.ravel()),
    lambda X, Y: wgankit.sliced_w1(X, Y, 1),
])
def test_int64_beyond_2p53_refused(call):
    X = np.array([[B53 + 1]], dtype=np.int64)
    Y = np.array([[B53]], dtype=np.int64)
    with pytest.raises(ValueError, match=r"int64 entry 0 \(flat index\) is 9007199254740993, beyond 2\^53 in magnitude: "
                                         r"float64 would round it"):
        call(X, Y)


def test_int64_names_argument_and_entry():
    X = np.array([[0], [2 ** 62 + 1]], dtype=np.int64)
    Y = np.array([[2 ** 62], [1]], dtype=np.int64)
    with pytest.raises(ValueError, match=r"^X: int64 entry 1 \(flat index\) is 4611686018427387905"):
        wgankit.w1(X, Y)
    with pytest.raises(ValueError, match=r"^Y: int64 entry 0 \(flat index\) is 4611686018427387904"):
        wgankit.w1(np.zeros((2, 1)), Y)
    with pytest.raises(ValueError, match=r"^X: uint64 entry 0 \(flat index\) is 9223372036854775809"):
        wgankit.w1(np.array([[2 ** 63 + 1]], dtype=np.uint64), np.array([[2 ** 63]], dtype=np.uint64))
    with pytest.raises(ValueError, match=r"^X: int64 entry 0 .* is -9007199254740993"):
        wgankit.w1(np.array([[-B53 - 1]]), np.zeros((1, 1)))
    with pytest.raises(ValueError, match=r"^M: int64 entry 0 \(flat index\) is 9007199254740993"):
        wgankit.emd2([], [], np.array([[B53 + 1, 0], [0, B53 + 1]], dtype=np.int64))
    with pytest.raises(ValueError, match=r"^a: int64 entry 1 \(flat index\)"):
        wgankit.w1(np.zeros((2, 1)), np.ones((2, 1)), a=np.array([1, B53 + 1], dtype=np.int64))


def test_int64_within_2p53_exact():
    # every integer up to 2^53 is exact in float64: |2^53 - (2^53 - 1)| = 1, and -2^53 is allowed
    assert wgankit.w1(np.array([[B53]], dtype=np.int64), np.array([[B53 - 1]], dtype=np.int64)) == 1.0
    assert wgankit.w1(np.array([[-B53]], dtype=np.int64), np.array([[1 - B53]], dtype=np.int64)) == 1.0
    assert wgankit.w1(np.array([[B53]], dtype=np.uint64), np.array([[B53 - 1]], dtype=np.uint64)) == 1.0


def test_int64_same_as_cli(tmp_path):
    # the CLI refuses the same values as .npy files (npy_read.c), so an array and its file agree
    a, b = tmp_path / "a.npy", tmp_path / "b.npy"
    np.save(a, np.array([[B53 + 1]], dtype=np.int64))
    np.save(b, np.array([[B53]], dtype=np.int64))
    r = subprocess.run([cli(), "w1", str(a), str(b)], capture_output=True, text=True)
    assert r.returncode == 2 and "beyond 2^53 in magnitude: float64 would round it" in r.stderr


def test_zero_d_is_one_point(tmp_path):
    assert wgankit.w1(np.float64(3.5), np.float64(1.0)) == 2.5
    assert wgankit.wasserstein_1d(np.float64(3.5), np.array([1.0])) == 2.5
    assert wgankit.w1(np.float64(3.5), np.array([1.0, 2.0]), b=np.array([0.5, 0.5])) == 2.0
    f = tmp_path / "s.npy"
    np.save(f, np.float64(3.5))
    r = subprocess.run([cli(), "w1", str(f), str(f)], capture_output=True, text=True)
    assert r.returncode == 0 and float(r.stdout) == 0.0  # the CLI reads the file as the same one point


def test_zero_d_file_source_refused_not_crash(tmp_path):
    # a 0-d .npy as a source is one sample, too few: ValueError naming the file (was SIGSEGV:
    # the dataset loader freed a pointer it never allocated); in a child, so a crash fails here
    f = tmp_path / "s.npy"
    np.save(f, np.float64(3.5))
    code = ("import wgankit, sys\n"
            "try:\n    wgankit.nnd(sys.argv[1], 'ring')\n"
            "except ValueError as e:\n    print(e)\n")
    env = dict(os.environ)
    r = subprocess.run([sys.executable, "-c", code, str(f)], capture_output=True, text=True, env=env)
    assert r.returncode == 0, (r.returncode, r.stderr)
    assert "s.npy: need at least 2 samples, got 1" in r.stdout


def test_infinite_range_end_is_open():
    X = np.zeros((2, 2))
    with pytest.raises(ValueError, match=r"^p: must be a finite number in \[1, inf\), got inf$"):
        wgankit.w1(X, X, metric="minkowski", p=np.inf)
    with pytest.raises(ValueError, match=r"^p: must be a finite number in \[1, inf\), got 0.5$"):
        wgankit.wasserstein_1d([0.0], [1.0], p=0.5)
