#!/usr/bin/python3
"""make_ot_few_fixtures.py — regenerate tests/fixtures/ot_few/: exact OT between a few points and
many (the case wk_w1_exact hands to its few-sources solver, exact_few.c), checked against POT's
ot.emd2 (network simplex on the full cost matrix, made by scipy's cdist).

Run with Debian's python (numpy, python3-pot):  /usr/bin/python3 tests/reference/make_ot_few_fixtures.py
Points are stored as float32 NPY, weights as float32 NPY (or "-" for uniform); the references are
computed on exactly those stored values (cast to float64, weights renormalised in float64, as
wgankit does). few_cases.csv: a, b, wa, wb, cost, emd2 — one line per case. Its own directory:
make_ot_fixtures.py empties tests/fixtures/ot/ when it runs."""
import os
import sys
import numpy as np
import ot
from scipy.spatial.distance import cdist

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_ot_fixtures import as_mass, weights  # noqa: E402  (the same weights and masses)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "ot_few")
rng = np.random.default_rng(20261130)

# (n, m, d, weights of a, weights of b, kind, cost)
CASES = [
    (7, 3000, 2, "random", "zeros", "normal", "euclidean"),  # zeros: about 30 % zero weights
    (12, 2500, 8, "uniform", "uniform", "mixture", "euclidean"),
    (1, 2000, 3, "uniform", "random", "normal", "euclidean"),
    (5, 2400, 2, "uniform", "random", "ties", "sqeuclidean"),  # grid points with duplicates
    (16, 2000, 16, "random", "random", "normal", "euclidean"),  # 16+ coordinates: read as float32
]


def points(n, d, kind, shift):
    if kind == "ties":
        x = rng.integers(0, 4, size=(n, d)).astype(np.float32)
        for i in range(3, n, 3):
            x[i] = x[rng.integers(0, i)]
        return x
    if kind == "mixture":
        centres = rng.normal(size=(4, d)) * 3
        return (centres[rng.integers(0, 4, size=n)] + 0.3 * rng.normal(size=(n, d)) + shift).astype(np.float32)
    return (rng.normal(size=(n, d)) + shift).astype(np.float32)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    lines = ["a,b,wa,wb,cost,emd2"]
    for k, (n, m, d, how_a, how_b, kind, cost) in enumerate(CASES):
        a = points(n, d, kind, 0.0)
        b = points(m, d, kind, 0.7)
        wa, wb = weights(n, how_a), weights(m, how_b)
        names = [f"f{k}_a.npy", f"f{k}_b.npy", "-", "-"]
        np.save(os.path.join(OUT, names[0]), a)
        np.save(os.path.join(OUT, names[1]), b)
        if wa is not None:
            names[2] = f"f{k}_wa.npy"
            np.save(os.path.join(OUT, names[2]), wa)
        if wb is not None:
            names[3] = f"f{k}_wb.npy"
            np.save(os.path.join(OUT, names[3]), wb)
        # scipy's cdist takes the differences first; ot.dist's |x|^2 + |y|^2 - 2 x.y loses ~1e-12
        M = cdist(a.astype(np.float64), b.astype(np.float64), metric=cost)
        val, log = ot.emd2(as_mass(wa, n), as_mass(wb, m), M, numItermax=10**9, log=True)
        assert log["warning"] is None, log["warning"]
        lines.append(",".join(names) + f",{cost},{val:.17g}")
        print(lines[-1])
    with open(os.path.join(OUT, "few_cases.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
