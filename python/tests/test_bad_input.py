"""Bad input raises ValueError naming the argument, never a crash (issue 14, "Bad input"):
NaN/Inf, mismatched dimensions, negative or unnormalised weights, an M whose shape disagrees
with a and b, 0-size arrays, object and complex dtypes."""
import re

import numpy as np
import pytest

import wgankit

X = np.random.default_rng(0).normal(size=(5, 2))
Y = np.random.default_rng(1).normal(size=(4, 2))
M = np.abs(np.random.default_rng(2).normal(size=(5, 4)))
a5, b4 = np.full(5, 0.2), np.full(4, 0.25)


def raises(name, fn, *args, **kw):
    with pytest.raises(ValueError) as e:
        fn(*args, **kw)
    assert re.match(r"^%s\b" % re.escape(name), str(e.value)), str(e.value)
    return str(e.value)


def with_value(arr, idx, v):
    arr = np.array(arr, dtype=np.float64)
    arr[idx] = v
    return arr


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite(bad):
    msg = raises("X", wgankit.w1, with_value(X, (1, 1), bad), Y)
    assert ("NaN" if np.isnan(bad) else "Inf") in msg and "entry 3" in msg
    raises("Y", wgankit.w1, X, with_value(Y, (0, 0), bad))
    raises("a", wgankit.w1, X, Y, with_value(a5, 2, bad))
    raises("b", wgankit.w1, X, Y, None, with_value(b4, 3, bad))
    raises("M", wgankit.emd2, a5, b4, with_value(M, (4, 3), bad))
    raises("a", wgankit.emd2, with_value(a5, 0, bad), b4, M)
    raises("b", wgankit.emd2, a5, with_value(b4, 1, bad), M)
    raises("M", wgankit.sinkhorn2, a5, b4, with_value(M, (0, 0), bad), 1.0)
    raises("u_values", wgankit.wasserstein_1d, with_value(X[:, 0], 0, bad), Y[:, 0])
    raises("X", wgankit.sliced_w1, with_value(X, (0, 0), bad), Y, 10, 1)


def test_huge_coordinates():
    X1 = with_value(X, (0, 0), 1e300)
    if not wgankit._c.POINTS_F64:  # rounded to float32: refused, naming X
        assert "float32" in raises("X", wgankit.w1, X1, Y)
    else:  # passed unrounded: a finite value or a ValueError naming X, never a RuntimeError
        try:
            assert np.isfinite(wgankit.w1(X1, Y))
        except ValueError as e:
            assert str(e).startswith("X")


def test_mismatched_dimensions():
    assert "dimension" in raises("Y", wgankit.w1, X, np.zeros((4, 3)))
    raises("X", wgankit.w1, np.zeros((2, 2, 2)), Y)
    raises("Y", wgankit.sliced_w1, X, np.zeros((4, 3)), 10, 1)
    raises("u_values", wgankit.wasserstein_1d, X, Y[:, 0])


def test_weights():
    assert "negative" in raises("a", wgankit.w1, X, Y, with_value(a5, 0, -0.1))
    assert "sum" in raises("a", wgankit.w1, X, Y, a5 * 2)
    assert "sum" in raises("b", wgankit.w1, X, Y, None, b4 * 0.5)
    raises("a", wgankit.w1, X, Y, np.full(4, 0.25))  # one weight per point
    raises("a", wgankit.w1, X, Y, np.zeros((5, 1)) + 0.2)
    raises("u_weights", wgankit.wasserstein_1d, X[:, 0], Y[:, 0], with_value(a5, 1, -1))
    raises("a", wgankit.emd2, with_value(a5, 0, -0.1), b4, M)
    assert "balance" in raises("b", wgankit.emd2, a5, b4 * 2, M)  # unbalanced masses
    raises("a", wgankit.emd2, np.zeros(5), b4, M)
    raises("b", wgankit.sinkhorn2, a5, b4 * 3, M, 1.0)


def test_M_shape():
    assert "rows in M" in raises("a", wgankit.emd2, np.full(4, 0.25), b4, M)
    assert "columns in M" in raises("b", wgankit.emd2, a5, np.full(5, 0.2), M)
    raises("M", wgankit.emd2, a5, b4, M.ravel())
    raises("M", wgankit.emd2, a5, b4, M[None])
    raises("a", wgankit.sinkhorn2, np.full(3, 1 / 3), b4, M, 1.0)


def test_zero_size():
    raises("X", wgankit.w1, np.zeros((0, 2)), Y)
    raises("Y", wgankit.w1, X, np.zeros((0, 2)))
    raises("X", wgankit.w1, np.zeros((5, 0)), Y)
    raises("M", wgankit.emd2, [], [], np.zeros((0, 4)))
    raises("M", wgankit.emd2, [], [], np.zeros((5, 0)))
    raises("u_values", wgankit.wasserstein_1d, [], [1.0])
    raises("M", wgankit.sinkhorn2, [], [], np.zeros((0, 0)), 1.0)


def test_object_and_complex():
    assert "dtype" in raises("X", wgankit.w1, X.astype(object), Y)
    assert "dtype" in raises("Y", wgankit.w1, X, Y.astype(np.complex128))
    raises("M", wgankit.emd2, a5, b4, M.astype(np.complex64))
    raises("M", wgankit.emd2, a5, b4, M.astype(object))
    raises("a", wgankit.w1, X, Y, a5.astype(complex))
    raises("X", wgankit.w1, [["a", "b"]], Y)
    raises("X", wgankit.w1, [[1.0, 2.0], [3.0]], Y)  # ragged


def test_other_arguments():
    raises("metric", wgankit.w1, X, Y, metric="cosine")
    raises("p", wgankit.wasserstein_1d, X[:, 0], Y[:, 0], p=0.5)
    raises("reg", wgankit.sinkhorn2, a5, b4, M, 0.0)
    raises("n_projections", wgankit.sliced_w1, X, Y, 0, 1)
    with pytest.raises(ValueError, match="ring|gmm|target"):
        wgankit.data("no-such-target", 10, 1)
    with pytest.raises(ValueError, match="nope"):
        wgankit.data("ring", 10, 1, nope=3)
    # FINDINGS 11f: a repeated option or a keyword contradicting the name's own was last-wins
    with pytest.raises(ValueError, match=r"^gaussian:dim=2,dim=3: option 'dim' given twice"):
        wgankit.data("gaussian:dim=2,dim=3", 2)
    with pytest.raises(ValueError, match=r"^ring:k=8,sigma=0: option k=4 contradicts the spec's own k"):
        wgankit.data("ring:k=8,sigma=0", 2000, k=4)
    assert len(np.unique(wgankit.data("ring:k=8,sigma=0", 2000, k=8), axis=0)) == 8  # the same value: accepted
