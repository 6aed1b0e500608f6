#!/usr/bin/python3
"""make_kid_exact_fixtures.py — regenerate tests/fixtures/metrics/kid_exact*: float64 feature sets
with a common offset and the EXACT value of KID on them (one subset = the whole sample, so no
draw is involved), computed in rational arithmetic (fractions.Fraction: every float64 is a
rational, and the unbiased MMD^2 of Binkowski et al. with kernel (x.y/d + 1)^3 is a rational
function of them), rounded once to float64 at the end.

KID's kernel is not translation-invariant: at an offset of 1e6 the kernel values are ~1e36 while
the answer is ~1e22, so a float64 sum of the kernel values cancels ~14 digits (FINDINGS round 6,
finding 3: 30 % off). The float64 value numpy gets by the plain formula is written beside the
exact one (column numpy_plain) to show the cancellation the fixture guards against.

Run with Debian's python (numpy):  /usr/bin/python3 tests/reference/make_kid_exact_fixtures.py
kid_exact.csv: case,n,dim,kid_exact,numpy_plain"""
import os
from fractions import Fraction

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "metrics")
rng = np.random.default_rng(20261130)


def exact_mmd2(x, y):
    """Unbiased MMD^2 (i != j off-diagonal means, cross mean over m^2), exactly."""
    m, d = x.shape
    X = [[Fraction(v) for v in row] for row in x.tolist()]
    Y = [[Fraction(v) for v in row] for row in y.tolist()]

    def k(a, b):
        return (sum(p * q for p, q in zip(a, b)) / d + 1) ** 3

    def total(A, B, same):
        return sum(k(a, b) for i, a in enumerate(A) for j, b in enumerate(B) if not (same and i == j))

    return total(X, X, True) / (m * (m - 1)) + total(Y, Y, True) / (m * (m - 1)) - 2 * total(X, Y, False) / (m * m)


def plain(x, y):
    m, d = x.shape
    kxx, kyy, kxy = (x @ x.T / d + 1) ** 3, (y @ y.T / d + 1) ** 3, (x @ y.T / d + 1) ** 3
    return (kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.mean()


def main():
    cases = []
    for name, off in (("off0", 0.0), ("off1e3", 1e3), ("off1e6", 1e6)):
        a = rng.normal(size=(40, 3))
        b = rng.normal(size=(40, 3)) * 1.1
        cases.append((name, a + off, b + off))
    # per-column offsets of both signs and sizes, the fake side shifted a little too
    off = np.array([1e6, -3e5, 7.0, 2e4, -1e6])
    cases.append(("mixed", rng.normal(size=(30, 5)) + off, rng.normal(size=(30, 5)) * 0.9 + off + 0.05))
    rows = ["case,n,dim,kid_exact,numpy_plain"]
    for name, x, y in cases:
        np.save(os.path.join(OUT, "kid_exact_%s_real.npy" % name), x)
        np.save(os.path.join(OUT, "kid_exact_%s_fake.npy" % name), y)
        ex = float(exact_mmd2(x, y))
        rows.append("%s,%d,%d,%r,%r" % (name, x.shape[0], x.shape[1], ex, float(plain(x, y))))
    with open(os.path.join(OUT, "kid_exact.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
