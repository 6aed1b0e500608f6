"""The OT calls over the whole finite range of float64 (FINDINGS 1, 4, 5, 6, 11b of round 6), each
example with its right value computed independently: W_p costs are homogeneous, so the value of
clouds scaled by s is the unscaled value times s (s^2 squared); emd2 is homogeneous in M and moves
mass 1, so M x s gives emd2(M) x s and M + c gives emd2(M) + c (POT's ot.emd2 for emd2(M))."""
import warnings

import numpy as np
import ot
import pytest

import wgankit


def clouds():
    r = np.random.default_rng(1)
    return r.normal(size=(30, 2)), r.normal(size=(40, 2)) + 0.5


@pytest.mark.parametrize("s", [1e-154, 1e-156, 1e-158, 1e-160, 1e-162, 1e-165, 1e-200, 1e-300])
def test_w1_tiny_coordinates(s):
    # squared distances underflowed: 10x too small at 1e-162 and 0.0 from 1e-165, "certified"
    X, Y = clouds()
    base = ot.emd2(ot.unif(30), ot.unif(40), ot.dist(X, Y, "euclidean"))
    assert abs(base - 0.76493484114724652) <= 1e-14
    got = wgankit.w1(X * s, Y * s)
    assert abs(got / s / base - 1) <= 1e-12, (s, got, base * s)


@pytest.mark.parametrize("k", [520, 700, 1000])
def test_w1_tiny_sqeuclidean_duals(k):
    X, Y = clouds()
    base, (u0, v0) = wgankit.w1(X, Y, metric="sqeuclidean" if k == 520 else "euclidean", return_duals=True)
    e = 2 * k if k == 520 else k
    got, (u, v) = wgankit.w1(np.ldexp(X, -k), np.ldexp(Y, -k), metric="sqeuclidean" if k == 520 else "euclidean",
                             return_duals=True)
    want = np.ldexp(base, -e)
    assert abs(got - want) <= 1e-12 * want, (got, want)
    assert abs(u.mean() + v.mean() - want) <= 1e-9 * want


@pytest.mark.parametrize("s", [1e-160, 1e-300])
def test_sliced_std_error_tiny(s):
    # the standard error underflowed to 0.0 while the value scaled right
    X, Y = clouds()
    v0, e0 = wgankit.sliced_w1(X, Y, 200, seed=1, return_std=True)
    v, e = wgankit.sliced_w1(X * s, Y * s, 200, seed=1, return_std=True)
    assert abs(v / s / v0 - 1) <= 1e-12
    assert abs(e / s / e0 - 1) <= 1e-9, (e, e0 * s)


@pytest.mark.parametrize("s", [1e306, 2e306, 1e307, 1.7e308])
def test_emd2_large_costs(s):
    # above ~1.8e308 / (n + m) / 2 the plan returned was not optimal (+28 %), without an error
    r = np.random.default_rng(7)
    M = r.random((20, 25))
    a, b = ot.unif(20), ot.unif(25)
    ref = ot.emd2(a, b, M)
    assert abs(wgankit.emd2(a, b, M * s) / s / ref - 1) <= 1e-12


def test_emd2_large_mixed_signs():
    r = np.random.default_rng(7)
    M = r.random((20, 25))
    M = r.random((20, 25))  # the finding's second draw
    a, b = ot.unif(20), ot.unif(25)
    ref = ot.emd2(a, b, M - 0.5)
    assert abs(wgankit.emd2(a, b, (M - 0.5) * 1e308) / 1e308 / ref - 1) <= 1e-12
    ref = ot.emd2(a, b, 2 * M - 1)  # the range 3.4e308 overflows float64
    assert abs(wgankit.emd2(a, b, (2 * M - 1) * 1.7e308) / 1.7e308 / ref - 1) <= 1e-12


@pytest.mark.parametrize("off", [1e15, 8e15, 1e16, 1e17, 1e20])
def test_emd2_offset_costs(off):
    # M + 1e16 raised "RuntimeError: emd: the simplex ended with mass on artificial arcs"
    r = np.random.default_rng(7)
    M = r.random((20, 25))
    a, b = ot.unif(20), ot.unif(25)
    want = off + ot.emd2(a, b, M)
    # the exact optimum of the rounded matrix, within the rounding of M + off and of the masses
    assert abs(wgankit.emd2(a, b, M + off) - want) <= 4 * np.spacing(off), (wgankit.emd2(a, b, M + off) - off)


def test_sinkhorn2_huge_costs():
    # 1e308: 0.0 returned with only a warning "marginal L1 error nan"
    r = np.random.default_rng(7)
    M = r.random((20, 25))
    a, b = ot.unif(20), ot.unif(25)
    ref = wgankit.sinkhorn2(a, b, M, 0.1)
    assert abs(ref - ot.sinkhorn2(a, b, M, 0.1)) <= 1e-9 * ref
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        got = wgankit.sinkhorn2(a, b, M * 1e308, 1e307)
    assert abs(got / 1e308 / ref - 1) <= 1e-9, got


def test_weight_tolerance_is_the_cli_one():
    # one tolerance (1e-5, the library's and the CLI's): 1 + 2e-6 was refused by Python only
    X, Y = clouds()
    base = wgankit.w1(X, Y)
    a = np.full(30, 1 / 30) * (1 + 2e-6)
    assert abs(wgankit.w1(X, Y, a=a) - base) <= 1e-12
    assert abs(wgankit.sliced_w1(X, Y, 50, a=a) - wgankit.sliced_w1(X, Y, 50)) <= 1e-12
    with pytest.raises(ValueError, match="within 1e-05|within 1e-5"):
        wgankit.w1(X, Y, a=np.full(30, 1 / 30) * (1 + 2e-5))


@pytest.mark.parametrize("p,k", [(1, 1040), (2, 520), (3, 350), (1.5, 700), (2, 200)])
def test_wasserstein_1d_tiny(p, k):
    # p > 1 was not rescaled: each term |x - y|^p / n rounded in the subnormal range (tens of
    # ulps of 2^-1074 off). Reference: the value of the samples at unit size times 2^-kp
    # (|x - y|^p is homogeneous), within one subnormal ulp (the result's own rounding).
    r = np.random.default_rng(2)
    u, v = r.normal(size=70), r.normal(size=50) + 0.3
    base = wgankit.wasserstein_1d(u, v, p=p)
    assert abs(base - ot.wasserstein_1d(u, v, p=p)) <= 1e-12 * base
    want = np.ldexp(base * 2.0 ** (np.floor(k * p) - k * p), -int(np.floor(k * p)))
    got = wgankit.wasserstein_1d(np.ldexp(u, -k), np.ldexp(v, -k), p=p)
    assert abs(got - want) <= max(2.0 ** -1074, 1e-12 * want), (got, want, (got - want) / 2.0 ** -1074)


@pytest.mark.parametrize("call", [
    lambda a, b: wgankit.emd2(a, b, np.ones((2, 2))),
    lambda a, b: wgankit.sinkhorn2(a, b, np.ones((2, 2)), 0.1),
])
def test_total_mass_overflow_refused(call):
    # finite masses whose total overflows: Inf - Inf passed the balance check and every mass
    # divided by the Inf total was 0 (review of the weights' overflow in means files)
    big = [1e308, 1e308]
    with pytest.raises(ValueError, match=r"^a: total mass overflows double precision"):
        call(big, big)
    with pytest.raises(ValueError, match=r"^b: total mass overflows double precision"):
        call([1.0, 1.0], [1.5e308, 1.5e308])
