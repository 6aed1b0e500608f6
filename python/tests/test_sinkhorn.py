"""wgankit.sinkhorn2 against POT's converged ot.sinkhorn2 (the committed fixtures
tests/fixtures/sinkhorn/cases.json, made by tests/reference/make_sinkhorn_fixtures.py), and its
honesty where it cannot converge (FINDINGS 1 and 1b): a RuntimeWarning as POT's "Sinkhorn did not
converge", never a silent value below the exact cost; reg below 1e-9 x max|M| is refused."""
import json
import math
import os
import warnings

import numpy as np
import pytest

import wgankit
from conftest import ROOT

with open(os.path.join(ROOT, "tests", "fixtures", "sinkhorn", "cases.json")) as _f:
    CASES = json.load(_f)["cases"]


def _quiet(*args, **kw):
    """sinkhorn2 with any warning an error: the value of a converged call."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return wgankit.sinkhorn2(*args, **kw)


@pytest.mark.parametrize("c", CASES, ids=[c["name"] for c in CASES])
def test_sinkhorn2_matches_pot(c):
    """POT's converged value within numItermax (the defaults for the finding's reg 1e-3), and
    never below the exact cost (a coupling cannot cost less than ot.emd2)."""
    M = np.array(c["M"])
    v = _quiet(c["a"], c["b"], M, c["reg"], numItermax=c["numItermax"])
    assert abs(v - c["pot"]) <= 1e-8 * (1 + abs(c["pot"])), (v, c["pot"])
    assert v >= c["emd2"] - 1e-8 * (1 + abs(c["emd2"]))


def _finding1():
    c = CASES[0]
    return np.array(c["a"]), np.array(c["b"]), np.array(c["M"])


def test_not_converged_warns_as_pot():
    """numItermax too small: the value comes with a RuntimeWarning naming the marginal error."""
    a, b, M = _finding1()
    with pytest.warns(RuntimeWarning, match="Sinkhorn did not converge: marginal L1 error"):
        wgankit.sinkhorn2(a, b, M, 1e-3, numItermax=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(RuntimeWarning):
            wgankit.sinkhorn2(a, b, M, 1e-3, numItermax=5)


def _finding1b():
    rng = np.random.default_rng(7)
    X, Y = rng.normal(size=(7, 3)), rng.normal(size=(5, 3))
    return np.sqrt(((X[:, None, :] - Y[None, :, :]) ** 2).sum(-1))


def test_tiny_reg_refused():
    """FINDINGS 1b: reg 1e-16 .. 1e-300 gave 0.67 (below the exact 1.12906) or 8.37 (above max M
    3.05): now ValueError naming reg, below 1e-9 x max|M|."""
    M = _finding1b()
    for reg in (1e-16, 1e-20, 1e-50, 1e-300, 2.9e-9):
        with pytest.raises(ValueError, match=r"^reg: .* below 1e-09 x the largest \|M\|"):
            wgankit.sinkhorn2([], [], M, reg)
    # just above the floor: a value within the entropic bound of the exact cost 1.12906
    # (<P_reg, M> - EMD <= reg log(n m)); converged or said not to be
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        v = wgankit.sinkhorn2([], [], M, 1e-8, numItermax=100000)
    emd = 1.1290585324930802  # ot.emd2([], [], M) (FINDINGS 1b)
    assert emd - 1e-8 <= v <= emd + 1e-8 * math.log(35) + 1e-8


def test_tiny_reg_not_converged_is_said():
    """reg 1e-8 with the default 1000 iterations cannot converge: a warning, never silence."""
    with pytest.warns(RuntimeWarning, match="did not converge"):
        wgankit.sinkhorn2([], [], _finding1b(), 1e-8)


def test_constant_and_zero_costs():
    """max|M| = 0: any reg > 0 is resolvable; the value is 0."""
    assert _quiet([], [], np.zeros((3, 2)), 1e-300) == 0.0
    assert abs(_quiet([], [], np.full((3, 2), 5.0), 1e-3) - 5.0) < 1e-8
