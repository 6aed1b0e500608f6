"""wgankit's OT functions against POT (python3-pot) and the committed POT fixtures: emd2 and w1
to 1e-9 relative (issue 14, acceptance 1), wasserstein_1d, sinkhorn2, sliced_w1; numpy input
forms (float32/float64, C/Fortran order, strides, lists); calls from 8 threads at once."""
import threading

import numpy as np
import ot
import pytest

import wgankit
from conftest import fixture_cases

REL = 1e-9


def close(x, ref, rel=REL):
    return abs(x - ref) <= rel * abs(ref) + 1e-12


CASES = fixture_cases()


@pytest.mark.parametrize("c", CASES, ids=lambda c: "case%d" % c["case"])
def test_emd2_fixtures(c):
    M = ot.dist(c["A"], c["B"], "euclidean")
    a = np.array([]) if c["wa"] is None else c["wa"]
    b = np.array([]) if c["wb"] is None else c["wb"]
    got = wgankit.emd2(a, b, M)
    assert isinstance(got, float)
    assert close(got, c["emd2"]), (got, c["emd2"])


# the 2,000-point cases are checked by the C tests (test_ot_exact); here the binding on the rest
@pytest.mark.parametrize("c", [c for c in CASES if len(c["A"]) * len(c["B"]) <= 1_500_000], ids=lambda c: "case%d" % c["case"])
def test_w1_fixtures(c):
    got = wgankit.w1(c["A"], c["B"], c["wa"], c["wb"])
    assert close(got, c["emd2"]), (got, c["emd2"])


def random_case(rng, k):
    n, m = (int(v) for v in rng.integers(1, 501, size=2))
    d = int(rng.choice([1, 2, 3, 5]))
    kind = k % 4
    if kind == 0:  # ties: integer grid points
        X = rng.integers(-3, 4, size=(n, d)).astype(np.float64)
        Y = rng.integers(-3, 4, size=(m, d)).astype(np.float64)
    elif kind == 1:  # duplicates
        X = rng.normal(size=(max(1, n // 4), d))[rng.integers(0, max(1, n // 4), size=n)]
        Y = rng.normal(size=(max(1, m // 4), d))[rng.integers(0, max(1, m // 4), size=m)]
    else:
        X = rng.normal(size=(n, d))
        Y = rng.normal(size=(m, d)) + 0.5
    # float32-representable coordinates: the library's point type (emd2 itself takes M as is)
    X = X.astype(np.float32).astype(np.float64)
    Y = Y.astype(np.float32).astype(np.float64)
    if k % 3 == 0:
        a, b = np.full(n, 1.0 / n), np.full(m, 1.0 / m)
    else:
        a, b = rng.random(n), rng.random(m)
        if k % 5 == 0:
            a[rng.random(n) < 0.2] = 0  # zero masses
            if a.sum() == 0:
                a[0] = 1
        a /= a.sum()
        b /= b.sum()
    return X, Y, a, b


@pytest.mark.parametrize("k", range(100))
def test_emd2_random_vs_pot(k):
    rng = np.random.default_rng(1000 + k)
    X, Y, a, b = random_case(rng, k)
    M = ot.dist(X, Y, "euclidean")
    ref = ot.emd2(a, b, M, numItermax=10_000_000)
    assert close(wgankit.emd2(a, b, M), ref)
    assert close(wgankit.w1(X, Y, a, b), ref)


def test_emd2_general_costs_and_mass():
    rng = np.random.default_rng(7)
    M = rng.normal(size=(30, 20))  # negative costs, not a metric
    a, b = rng.random(30), rng.random(20)
    a *= 3 / a.sum()
    b *= 3 / b.sum()  # total mass 3, as POT allows
    assert close(wgankit.emd2(a, b, M), ot.emd2(a, b, M))


def test_w1_plan_and_duals():
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(40, 2)), rng.normal(size=(30, 2))
    X, Y = X.astype(np.float32).astype(np.float64), Y.astype(np.float32).astype(np.float64)
    a, b = np.full(40, 1 / 40), np.full(30, 1 / 30)
    v, (i, j, mass), (u, w) = wgankit.w1(X, Y, return_plan=True, return_duals=True)
    C = ot.dist(X, Y, "euclidean")
    assert i.dtype == np.int64 and mass.dtype == np.float64 and u.shape == (40,) and w.shape == (30,)
    assert close(float(np.sum(mass * C[i, j])), v)
    P = np.zeros((40, 30))
    np.add.at(P, (i, j), mass)
    assert np.allclose(P.sum(1), a, atol=1e-12) and np.allclose(P.sum(0), b, atol=1e-12)
    assert close(float(a @ u + b @ w), v, 1e-9)
    assert np.all(u[:, None] + w[None, :] <= C + 1e-9)


def test_float64_coordinates():
    """Float64 clouds far from the origin: exact only when the library takes float64 points."""
    if not wgankit._c.POINTS_F64:
        pytest.skip("this build's library takes float32 points only")
    X, Y = np.array([[1e7 + 0.1], [1e7 + 0.3]]), np.array([[1e7 + 0.2], [1e7 + 0.7]])
    for v in (wgankit.w1(X, Y), wgankit.wasserstein_1d(X[:, 0], Y[:, 0])):
        assert abs(v - 0.25) < 1e-8  # |0.1 - 0.2| and |0.3 - 0.7| over 2; float32 rounding gives 0.5


def test_sqeuclidean():
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(60, 3)).astype(np.float32), rng.normal(size=(50, 3)).astype(np.float32)
    ref = ot.emd2([], [], ot.dist(X.astype(np.float64), Y.astype(np.float64), "sqeuclidean"))
    assert close(wgankit.w1(X, Y, metric="sqeuclidean"), ref)


def test_wasserstein_1d_vs_pot():
    rng = np.random.default_rng(5)
    for p in (1, 2, 1.5):
        u, v = rng.normal(size=300).astype(np.float32), rng.normal(size=200).astype(np.float32) + 0.3
        uw, vw = rng.random(300), rng.random(200)
        uw /= uw.sum()
        vw /= vw.sum()
        ref = ot.wasserstein_1d(u.astype(np.float64), v.astype(np.float64), uw, vw, p=p)
        assert close(wgankit.wasserstein_1d(u, v, uw, vw, p=p), ref, 1e-9)


def test_sinkhorn2_vs_pot():
    rng = np.random.default_rng(6)
    X, Y = rng.normal(size=(80, 2)), rng.normal(size=(70, 2))
    M = ot.dist(X, Y, "euclidean")
    a, b = rng.random(80), rng.random(70)
    a /= a.sum()
    b /= b.sum()
    for reg in (1.0, 0.1):
        ref = ot.sinkhorn2(a, b, M, reg, numItermax=100000, stopThr=1e-11)
        assert abs(wgankit.sinkhorn2(a, b, M, reg, numItermax=100000, stopThr=1e-11) - ref) <= 1e-8 * ref
    # small reg: POT's plain iteration underflows; the log domain tends to the exact cost
    assert abs(wgankit.sinkhorn2(a, b, M, 1e-2, numItermax=5000) - ot.emd2(a, b, M)) < 5e-3


def test_sliced_w1():
    rng = np.random.default_rng(8)
    X, Y = rng.normal(size=(500, 2)), rng.normal(size=(400, 2)) + 1
    v1, e1 = wgankit.sliced_w1(X, Y, 500, seed=3, return_std=True)
    assert v1 == wgankit.sliced_w1(X, Y, 500, seed=3)  # same seed, same directions
    ref = ot.sliced_wasserstein_distance(X, Y, n_projections=2000, p=1, seed=1)
    assert abs(v1 - ref) < 5 * e1 + 0.03
    assert wgankit.sliced_w1(X, X, 50, 1) == 0.0
    # one direction: the standard error is undefined (NaN), not 0 (FINDINGS 15); two give a number
    v, e = wgankit.sliced_w1(X, Y, 1, seed=0, return_std=True)
    assert np.isfinite(v) and np.isnan(e)
    v2, e2 = wgankit.sliced_w1(X, Y, 2, seed=0, return_std=True)
    assert e2 > 0


def test_input_forms():
    """float32/float64, C/Fortran order, strided views and lists all give the same value."""
    rng = np.random.default_rng(9)
    X = rng.normal(size=(100, 3)).astype(np.float32)
    Y = rng.normal(size=(80, 3)).astype(np.float32)
    ref = wgankit.w1(X, Y)
    assert isinstance(ref, float)
    big = np.zeros((200, 6), dtype=np.float64)
    big[::2, ::2] = X
    for x in (X.astype(np.float64), np.asfortranarray(X), big[::2, ::2], X.tolist(), X[::-1][::-1]):
        assert wgankit.w1(x, Y) == ref
    M = ot.dist(X.astype(np.float64), Y.astype(np.float64))
    e = wgankit.emd2([], [], M)
    assert wgankit.emd2([], [], np.asfortranarray(M)) == e
    assert wgankit.emd2([], [], M.astype(np.float32)) == pytest.approx(e, rel=1e-6)
    assert wgankit.emd2([], [], M.tolist()) == e
    Mt = np.ascontiguousarray(M.T).T  # Fortran-ordered view
    assert wgankit.emd2(np.full(100, 0.01), np.full(80, 1 / 80), Mt) == pytest.approx(e, rel=1e-12)
    assert wgankit.data("ring", 10, 1, dtype=np.float64).dtype == np.float64


def test_eight_threads_at_once():
    """8 Python threads calling w1, emd2 and sinkhorn2 at once get the values of sequential calls."""
    rng = np.random.default_rng(10)
    jobs = []
    for k in range(16):
        X, Y = rng.normal(size=(150 + 10 * k, 2)), rng.normal(size=(120, 2)) + 0.2
        M = ot.dist(X, Y)
        jobs.append((X, Y, M))
    seq = [(wgankit.w1(X, Y), wgankit.emd2([], [], M), wgankit.sinkhorn2([], [], M, 1.0)) for X, Y, M in jobs]
    got = [None] * len(jobs)
    errors = []

    def worker(t):
        try:
            for k in range(t, len(jobs), 8):
                X, Y, M = jobs[k]
                got[k] = (wgankit.w1(X, Y, threads=1 + k % 2), wgankit.emd2([], [], M), wgankit.sinkhorn2([], [], M, 1.0))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    th = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    assert not errors
    assert got == seq


@pytest.mark.parametrize("n,d", [(1, 2), (10, 2), (50, 2), (150, 2), (50, 10), (64, 784)])
def test_small_n_vs_pot(n, d):
    """The small-problem paths (w1's dense path, emd2's column generation over M) give POT's value
    to 1e-12 relative, uniform and weighted, float32 and float64 points alike."""
    rng = np.random.default_rng(n * 1000 + d)
    X = rng.normal(size=(n, d)).astype(np.float32)
    Y = (rng.normal(size=(n, d)) + 0.5).astype(np.float32)
    X64, Y64 = X.astype(np.float64), Y.astype(np.float64)
    M = ot.dist(X64, Y64, "euclidean")
    wa, wb = rng.random(n), rng.random(n)
    wa, wb = wa / wa.sum(), wb / wb.sum()
    for a, b in ((None, None), (wa, wb)):
        pa = np.full(n, 1.0 / n) if a is None else a
        pb = np.full(n, 1.0 / n) if b is None else b
        ref = ot.emd2(pa, pb, M, numItermax=10**8)
        assert close(wgankit.emd2(pa, pb, M), ref, 1e-12)
        got = wgankit.w1(X, Y, a, b)
        assert close(got, ref, 1e-12), (got, ref)
        assert wgankit.w1(X64, Y64, a, b) == got  # float32 points taken as they are: the same values
