#!/usr/bin/python3
"""pot_w1_weighted.py — weighted exact OT (issue 15, performance 2) against POT, same run.

    PYTHONPATH=python /usr/bin/python3 bench/peers/pot_w1_weighted.py [--fixtures] [--clustered 5000,10000]
                                                                       [--repeats 3] [--threads 2]

--fixtures: every case of tests/fixtures/ot/cases.csv (made by tests/reference/make_ot_fixtures.py),
            the stored float32 points and weights, Euclidean cost.
--clustered: n-point clouds (m = n) drawn around 8 Gaussian centres (spread 0.2, centres 3 x N(0, 1),
            b's centres shifted by 0.5) with random weights — mass has to cross between clusters.
Per case: wgankit.w1 (points in, no matrix) against POT's ot.dist + ot.emd2, interleaved, median
of --repeats; prints the ratio POT / wgankit and the relative difference of the values. Ratios
only: the machine is shared."""
import argparse
import csv
import os
import statistics
import sys
import time

import numpy as np
import ot

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
import wgankit  # noqa: E402

FIX = os.path.join(ROOT, "tests", "fixtures", "ot")


def load_w(name, n):
    if name == "-":
        return None
    w = np.load(os.path.join(FIX, name)).astype(np.float64)
    return w / w.sum()


def fixture_cases(max_pairs=None):
    """The OT fixture cases (tests/fixtures/ot) as (name, a, b, wa, wb); with max_pairs, only those
    of at most that many pairs n·m (bench/peers/pot_w1_small.py's small cases)."""
    with open(os.path.join(FIX, "cases.csv")) as f:
        for r in csv.DictReader(f):
            if max_pairs is not None and int(r["n"]) * int(r["m"]) > max_pairs:
                continue
            a = np.load(os.path.join(FIX, r["a"])).astype(np.float32)
            b = np.load(os.path.join(FIX, r["b"])).astype(np.float32)
            yield f"fixture {r['case']}", a, b, load_w(r["wa"], len(a)), load_w(r["wb"], len(b))


def clustered(n, seed):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(8, 2)) * 3

    def cloud(shift):
        return (centres[rng.integers(0, 8, size=n)] + 0.2 * rng.normal(size=(n, 2)) + shift).astype(np.float32)

    a, b = cloud(0.0), cloud(0.5)
    wa, wb = rng.random(n), rng.random(n)
    return a, b, wa / wa.sum(), wb / wb.sum()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", action="store_true")
    ap.add_argument("--clustered", default="")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    cases = list(fixture_cases()) if args.fixtures else []
    for s in filter(None, args.clustered.split(",")):
        n = int(s)
        a, b, wa, wb = clustered(n, n)
        cases.append((f"clustered {n}", a, b, wa, wb))
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print(f"{'case':>14} {'n':>6} {'m':>6} {'d':>4} {'POT s':>8} {'wgankit s':>9} {'ratio':>7} {'rel diff':>9}")
    worst = None
    for name, a, b, wa, wb in cases:
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        pa = wa if wa is not None else np.full(len(a), 1.0 / len(a))
        pb = wb if wb is not None else np.full(len(b), 1.0 / len(b))
        ours, peer = [], []
        for _ in range(args.repeats):  # interleaved: both see the same load
            t = time.perf_counter()
            v = wgankit.w1(a, b, wa, wb, threads=args.threads)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            r = ot.emd2(pa, pb, ot.dist(a64, b64, metric="euclidean"), numItermax=10**9)
            peer.append(time.perf_counter() - t)
        mo, mp = statistics.median(ours), statistics.median(peer)
        rel = abs(v - r) / max(abs(r), 1e-300)
        ratio = mp / mo
        worst = ratio if worst is None else min(worst, ratio)
        print(f"{name:>14} {len(a):>6} {len(b):>6} {a.shape[1]:>4} {mp:>8.4f} {mo:>9.4f} {ratio:>6.2f}x {rel:>9.1e}")
        sys.stdout.flush()
    print(f"worst ratio {worst:.2f}x; load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
