#!/usr/bin/python3
"""make_ot_fixtures.py — regenerate tests/fixtures/ot/: 22 random exact-OT cases checked
against POT's ot.emd2 (network simplex) and, for equal-size uniform cases, scipy's
linear_sum_assignment; plus the sliced / 1-D reference values.

Run with Debian's python (numpy, scipy, python3-pot):  /usr/bin/python3 tests/reference/make_ot_fixtures.py
Points are stored as float32 NPY (784-D cases as uint8 pixels, like MNIST), weights as float32
NPY; the references are computed on exactly those stored values (cast to float64, weights
renormalised in float64, as wgankit does). cases.csv: one line per case."""
import os
import numpy as np
import ot
from scipy.optimize import linear_sum_assignment

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "ot")
rng = np.random.default_rng(20240601)

# (n, m, d, weights, kind): kind picks how points are drawn
CASES = [
    (1, 1, 1, "uniform", "normal"),
    (1, 37, 3, "uniform", "normal"),
    (25, 1, 2, "random", "normal"),
    (10, 10, 2, "uniform", "ties"),        # integer grid points: many ties
    (60, 60, 2, "uniform", "duplicates"),  # repeated points
    (50, 80, 1, "uniform", "normal"),
    (200, 150, 1, "random", "ties"),
    (300, 300, 2, "uniform", "normal"),
    (400, 250, 2, "random", "normal"),
    (2000, 2000, 2, "uniform", "normal"),
    (2000, 1500, 2, "random", "mixture"),
    (1000, 1000, 3, "uniform", "mixture"),
    (700, 900, 5, "uniform", "normal"),
    (120, 90, 10, "random", "normal"),
    (500, 500, 32, "uniform", "normal"),
    (300, 200, 64, "random", "duplicates"),
    (400, 400, 784, "uniform", "pixels"),
    (300, 250, 784, "random", "pixels"),
    (64, 64, 784, "uniform", "normal"),
    (150, 100, 128, "uniform", "zeros"),   # zero weights in a, uniform b handled as weights
    (1500, 1500, 2, "uniform", "blob"),    # ring vs a tight blob (an untrained generator):
    (1200, 900, 2, "random", "blob"),      # near-degenerate, the scale-aligned candidates
]


def points(n, d, kind, shift):
    if kind == "blob":  # a: 8 Gaussians on a ring (the demo's data); b: one blob of spread 0.02
        if shift == 0:
            ang = 2 * np.pi * rng.integers(0, 8, size=n) / 8
            return (1.414 * np.stack([np.cos(ang), np.sin(ang)], 1) + 0.02 * rng.normal(size=(n, d))).astype(np.float32)
        return (0.02 * rng.normal(size=(n, d)) + [0.02, -0.08]).astype(np.float32)
    if kind == "ties":
        return rng.integers(0, 4, size=(n, d)).astype(np.float32)
    if kind == "duplicates":
        base = rng.normal(size=(max(1, n // 4), d))
        return base[rng.integers(0, len(base), size=n)].astype(np.float32) + shift
    if kind == "mixture":
        centres = rng.normal(size=(8, d)) * 3
        return (centres[rng.integers(0, 8, size=n)] + 0.2 * rng.normal(size=(n, d)) + shift).astype(np.float32)
    if kind == "pixels":
        return (rng.random(size=(n, d)) < 0.2 + 0.1 * shift).astype(np.uint8) * rng.integers(0, 256, size=(n, d)).astype(np.uint8)
    return (rng.normal(size=(n, d)) + shift).astype(np.float32)


def weights(n, how):
    if how == "uniform":
        return None
    w = rng.random(n)
    if how == "zeros":
        w[rng.random(n) < 0.3] = 0
    return (w / w.sum()).astype(np.float32)


def as_mass(w, n):
    if w is None:
        return np.full(n, 1.0 / n)
    w = w.astype(np.float64)
    return w / w.sum()


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    lines = ["case,n,m,d,a,b,wa,wb,emd2,lsa"]
    for k, (n, m, d, how, kind) in enumerate(CASES):
        a = points(n, d, kind, 0.0)
        b = points(m, d, kind, 0.5 if kind != "pixels" else 1.0)
        wa = weights(n, "zeros" if kind == "zeros" else how)
        wb = weights(m, how)
        fa, fb = f"c{k:02d}_a.npy", f"c{k:02d}_b.npy"
        np.save(os.path.join(OUT, fa), a)
        np.save(os.path.join(OUT, fb), b)
        fwa = fwb = "-"
        if wa is not None:
            fwa = f"c{k:02d}_wa.npy"
            np.save(os.path.join(OUT, fwa), wa)
        if wb is not None:
            fwb = f"c{k:02d}_wb.npy"
            np.save(os.path.join(OUT, fwb), wb)
        A, B = a.astype(np.float64), b.astype(np.float64)
        M = ot.dist(A, B, metric="euclidean")
        val, log = ot.emd2(as_mass(wa, n), as_mass(wb, m), M, numItermax=10**9, log=True)
        assert log["warning"] is None, log["warning"]
        lsa = float("nan")
        if n == m and wa is None and wb is None:
            r, c = linear_sum_assignment(M)
            lsa = M[r, c].mean()
            assert abs(lsa - val) <= 1e-9 * max(1, val), (k, lsa, val)
        lines.append(f"{k},{n},{m},{d},{fa},{fb},{fwa},{fwb},{val:.17g},{lsa:.17g}")
        print(lines[-1])
    with open(os.path.join(OUT, "cases.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    # Sliced W1 reference for cases 8 (2-D, weighted) and 13 (10-D, weighted): POT with many
    # projections; the test allows its Monte-Carlo error plus the C run's.
    sl = ["case,projections,value,std_error"]
    for k in (8, 13):
        n, m, d, how, kind = CASES[k]
        A = np.load(os.path.join(OUT, f"c{k:02d}_a.npy")).astype(np.float64)
        B = np.load(os.path.join(OUT, f"c{k:02d}_b.npy")).astype(np.float64)
        wa = as_mass(np.load(os.path.join(OUT, f"c{k:02d}_wa.npy")), n)
        wb = as_mass(np.load(os.path.join(OUT, f"c{k:02d}_wb.npy")), m)
        P = 20000
        v, log = ot.sliced_wasserstein_distance(A, B, wa, wb, n_projections=P, p=1, seed=7, log=True)
        e = np.asarray(log["projected_emds"])
        sl.append(f"{k},{P},{v:.17g},{e.std(ddof=1) / np.sqrt(P):.6g}")
        print(sl[-1])
    with open(os.path.join(OUT, "sliced.csv"), "w") as f:
        f.write("\n".join(sl) + "\n")


if __name__ == "__main__":
    main()
