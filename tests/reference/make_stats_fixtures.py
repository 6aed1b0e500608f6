#!/usr/bin/python3
"""make_stats_fixtures.py — regenerate tests/fixtures/stats/cases.txt: reference values of the
experiments' statistics (include/wgankit/stats.h) from scipy, by methods independent of ours:

  t quantile   scipy.stats.t.ppf
  t-interval   scipy.stats.t.interval(level, n-1, loc=mean, scale=scipy.stats.sem(x))
  isotonic     scipy.optimize.lsq_linear on the cumulative-increment parametrisation
               fit = L c (L lower-triangular ones, c_0 free, c_i >= 0): a bounded least-squares
               solve (BVLS), not PAVA; ordered by x, ties in x by y
  spearman     scipy.stats.spearmanr (average ranks for ties)
  ranks        scipy.stats.rankdata
  loglog       scipy.stats.linregress on (log x, log y) and t.ppf(0.5 + level/2, n-2) * stderr

Run with Debian's python:  /usr/bin/python3 tests/reference/make_stats_fixtures.py
Format: one case per line, `kind name | input arrays ... | expected values` with numbers in
repr form (17 significant digits), read by tests/test_stats.c."""
import os
import numpy as np
from scipy import optimize, stats

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "stats", "cases.txt")
rng = np.random.default_rng(20261130)


def fmt(a):
    return " ".join(repr(float(v)) for v in np.atleast_1d(a))


def isotonic_bvls(x, y):
    order = np.lexsort((y, x))  # by x, ties by y
    ys = y[order]
    n = len(ys)
    L = np.tril(np.ones((n, n)))
    lb = np.full(n, 0.0)
    lb[0] = -np.inf
    res = optimize.lsq_linear(L, ys, bounds=(lb, np.full(n, np.inf)), method="bvls", tol=1e-14)
    fs = L @ res.x
    fit = np.empty(n)
    fit[order] = fs
    return fit


lines = []
for p, df in [(0.975, 1), (0.975, 2), (0.975, 4), (0.975, 9), (0.975, 29), (0.995, 3), (0.6, 7.5), (0.025, 5),
              (0.999, 1000), (0.75, 0.5)]:
    lines.append(f"tq {p!r} {df!r} | {fmt(stats.t.ppf(p, df))}")

for name, x in [("five", rng.normal(size=5)), ("three", np.array([1.0, 2.0, 4.0])),
                ("twenty", rng.exponential(size=20) * 3), ("const", np.full(4, 2.5))]:
    m = x.mean()
    if np.all(x == x[0]):
        lo = hi = m
    else:
        lo, hi = stats.t.interval(0.95, len(x) - 1, loc=m, scale=stats.sem(x))
    lines.append(f"mean {name} | {fmt(x)} | {fmt([m, lo, hi, np.std(x, ddof=1)])}")

iso_cases = [
    ("sorted", np.arange(6.0), np.array([1.0, 2, 3, 4, 5, 6])),
    ("reversed", np.arange(5.0), np.array([5.0, 4, 3, 2, 1])),
    ("zigzag", np.arange(8.0), np.array([1.0, 3, 2, 4, 3.5, 5, 7, 6])),
    ("ties_x", np.array([1.0, 1, 2, 2, 2, 3, 4]), np.array([2.0, 1, 0.5, 3, 1, 2, 1.5])),
    ("noisy", np.sort(rng.uniform(0, 2, 40)), np.sort(rng.uniform(0, 2, 40)) * 0.8 + rng.normal(0, 0.2, 40)),
    ("shuffled", rng.permutation(30).astype(float), rng.normal(size=30)),
]
for name, x, y in iso_cases:
    fit = isotonic_bvls(x, y)
    lines.append(f"iso {name} | {fmt(x)} | {fmt(y)} | {fmt(fit)} {float(np.max(np.abs(y - fit)))!r}")

sp_cases = [
    ("perfect", np.arange(7.0), np.arange(7.0) ** 3),
    ("anti", np.arange(5.0), -np.arange(5.0)),
    ("ties", np.array([1.0, 2, 2, 3, 3, 3, 4, 5]), np.array([2.0, 1, 1, 4, 3, 5, 5, 9])),
    ("random", rng.normal(size=25), rng.normal(size=25)),
    ("rounded", np.round(rng.normal(size=40), 1), np.round(rng.normal(size=40), 0)),
]
for name, x, y in sp_cases:
    rho = stats.spearmanr(x, y).correlation
    lines.append(f"spear {name} | {fmt(x)} | {fmt(y)} | {fmt(stats.rankdata(x))} {rho!r}")

for name, x, y in [
    ("power", np.array([64.0, 256, 1024, 4096, 16384]), 3 * np.array([64.0, 256, 1024, 4096, 16384]) ** -0.5 *
     np.exp(rng.normal(0, 0.05, 5))),
    ("sizes", np.array([100.0, 300, 1000, 3000, 10000]), np.array([1.2, 1.15, 1.12, 1.09, 1.05])),
    ("many", np.geomspace(10, 1e5, 12), np.geomspace(10, 1e5, 12) ** -0.3 * np.exp(rng.normal(0, 0.2, 12))),
]:
    r = stats.linregress(np.log(x), np.log(y))
    h = stats.t.ppf(0.975, len(x) - 2) * r.stderr
    lines.append(f"loglog {name} | {fmt(x)} | {fmt(y)} | {fmt([r.slope, r.intercept, r.stderr, r.slope - h, r.slope + h])}")

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    f.write("# made by tests/reference/make_stats_fixtures.py (scipy %s); do not edit\n" % __import__("scipy").__version__)
    f.write("\n".join(lines) + "\n")
print(OUT, len(lines), "cases")
