"""float32 point clouds are checked for NaN/Inf by the library's block scan (wk_first_nonfinite)
in the binding: the error still names the first bad entry by its flat index, wherever it falls
(first, inside a 4,096-entry block, in a block after a clean one, the last entry of a partial
block), with a later bad entry ignored."""
import numpy as np
import pytest

import wgankit


@pytest.mark.parametrize("at,bad,word", [(0, np.nan, "NaN"), (4095, np.inf, r"\+Inf"), (4096, -np.inf, "-Inf"),
                                         (40001, np.nan, "NaN"), (64 * 784 - 1, np.inf, r"\+Inf")])
def test_first_bad_float32_entry(at, bad, word):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(64, 784)).astype(np.float32)
    Y = rng.normal(size=(64, 784)).astype(np.float32)
    flat = X.reshape(-1)
    flat[at] = bad
    if at + 10 < flat.size:
        flat[at + 10] = np.nan  # a later one is not the one named
    with pytest.raises(ValueError, match=r"^X: entry %d \(flat index\) is %s; every value must be finite" % (at, word)):
        wgankit.w1(X, Y)
    with pytest.raises(ValueError, match=r"^Y: entry %d \(flat index\) is %s" % (at, word)):
        wgankit.w1(Y, X.copy())


def test_finite_float32_cloud_is_accepted():
    rng = np.random.default_rng(8)
    X, Y = rng.normal(size=(64, 784)).astype(np.float32), rng.normal(size=(64, 784)).astype(np.float32)
    X[0, 0] = np.finfo(np.float32).max  # finite, the largest float32
    assert np.isfinite(wgankit.w1(X, Y))
