#!/usr/bin/python3
"""make_sinkhorn_fixtures.py — regenerate tests/fixtures/sinkhorn/cases.json: entropic OT cases
(dense cost matrices) with POT's converged ot.sinkhorn2 value, for wgankit.sinkhorn2 and the C
test of wk_sinkhorn_dense.

Run with Debian's python (numpy, scipy, python3-pot):
    /usr/bin/python3 tests/reference/make_sinkhorn_fixtures.py
Each case stores a, b (empty list = uniform), M, reg, the numItermax wgankit must converge within
(its default 1000 where the tester's finding used the defaults; the random cases 20,000, POT's budget), POT's value ("pot": <P, M> of
ot.sinkhorn with method "sinkhorn_log", or "sinkhorn_epsilon_scaling" where that has not converged
in 20,000 iterations ("pot_method"), with a marginal L1 error below 1e-9 ("pot_marginal_err");
the script fails if POT does not converge) and ot.emd2 ("emd2"). Every float is written with repr, so it reads back exactly.
Cases 0-2 are FINDINGS.md 1 (reg 1e-3 weighted and uniform, 1e-5), the others random sizes,
weights and a negative-cost M, at regs where POT converges."""
import json
import os
import warnings

import numpy as np
import ot
from scipy.spatial.distance import cdist

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "sinkhorn")


def finding1():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 2))
    Y = rng.normal(size=(4, 2)) + 1
    a = rng.random(6)
    a /= a.sum()
    b = rng.random(4)
    b /= b.sum()
    return a, b, ot.dist(X, Y, metric="euclidean")


def random_case(seed, n, m, d, weighted, shift=0.0):
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(n, d)), rng.normal(size=(m, d)) + 0.5
    M = cdist(X, Y) + shift
    if not weighted:
        return np.array([]), np.array([]), M
    a, b = rng.random(n) + 0.05, rng.random(m) + 0.05
    return a / a.sum(), b / b.sum(), M


def pot(a, b, M, reg):
    """POT's converged <P, M>: sinkhorn_log, or where that has not converged within 20,000
    iterations POT's own ε-scaling solver; (value, method, marginal L1 error)."""
    ua = a if len(a) else np.full(M.shape[0], 1.0 / M.shape[0])
    ub = b if len(b) else np.full(M.shape[1], 1.0 / M.shape[1])
    for method in ("sinkhorn_log", "sinkhorn_epsilon_scaling"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            P = ot.sinkhorn(a, b, M, reg, method=method, numItermax=20000, stopThr=1e-13)
        err = np.abs(P.sum(1) - ua).sum() + np.abs(P.sum(0) - ub).sum()
        if err < 1e-9:
            return float(np.sum(P * M)), method, float(err)
    raise SystemExit("POT did not converge (marginal L1 error %g, reg %g)" % (err, reg))


def main():
    a, b, M = finding1()
    cases = [
        ("finding 1: weighted, reg 1e-3, the defaults", a, b, M, 1e-3, 1000),
        ("finding 1: uniform, reg 1e-3, the defaults", np.array([]), np.array([]), M, 1e-3, 1000),
        ("finding 1: weighted, reg 1e-5, numItermax 10000", a, b, M, 1e-5, 10000),
    ]
    for seed, n, m, d, w, shift, reg in [(1, 30, 20, 2, True, 0.0, 0.1), (2, 50, 50, 3, False, 0.0, 0.05),
                                         (3, 12, 40, 5, True, -2.0, 0.02), (4, 80, 60, 2, True, 0.0, 0.02),
                                         (5, 25, 25, 1, False, 0.0, 1.0)]:
        ca, cb, cM = random_case(seed, n, m, d, w, shift)
        cases.append(("random %dx%d d=%d %s%s, reg %g" % (n, m, d, "weighted" if w else "uniform",
                                                          ", M shifted by %g" % shift if shift else "", reg),
                      ca, cb, cM, reg, 20000))  # as POT's budget: 50x50 at 0.05 needs 15,510 there
    out = []
    for name, ca, cb, cM, reg, iters in cases:
        out.append(dict(name=name, a=[float(x) for x in ca], b=[float(x) for x in cb],
                        M=[[float(x) for x in row] for row in cM], reg=reg, numItermax=iters,
                        emd2=float(ot.emd2(ca, cb, cM))))
        out[-1]["pot"], out[-1]["pot_method"], out[-1]["pot_marginal_err"] = pot(ca, cb, cM, reg)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(dict(generator="tests/reference/make_sinkhorn_fixtures.py", pot=ot.__version__, cases=out), f)
        f.write("\n")
    for c in out:
        print("%-55s pot %.12g emd2 %.12g" % (c["name"], c["pot"], c["emd2"]))


if __name__ == "__main__":
    main()
