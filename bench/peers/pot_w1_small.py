#!/usr/bin/python3
"""pot_w1_small.py — the fixed cost of one exact W1 call on small problems (issue 15 performance 2,
issue 14 acceptance 2's binding overhead) against POT, same run.

    PYTHONPATH=python /usr/bin/python3 bench/peers/pot_w1_small.py [--n 10,50,150,500,1000] [--d 2,10,784]
                                                                    [--repeats 15] [--threads 2] [--fixtures 60000]

Per (n, d, weights): n = m points, a ~ N(0, I), b ~ N(0, I) + 0.5, float64; "uniform" (no weights)
and "weighted" (uniform random masses, normalised). Times, interleaved so both see the same load,
the median of --repeats calls of
  w1:   wgankit.w1(X, Y, a, b)            against ot.emd2(a, b, ot.dist(X, Y, "euclidean"))
  emd2: wgankit.emd2(a, b, M)             against ot.emd2(a, b, M)      (the same float64 matrix M)
and prints the ratio POT / wgankit (> 1: wgankit faster) and the relative difference of the values.
--fixtures N: also the cases of tests/fixtures/ot/cases.csv with n·m <= N (w1 only, float32 points
as stored, like bench/peers/pot_w1_weighted.py). Ratios only: the machine is shared; the load
average is printed at the start and the end."""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import ot

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
import wgankit  # noqa: E402
from pot_w1_weighted import fixture_cases  # noqa: E402  (this folder: one loader of the OT fixtures)


def timed(fs, repeats):
    """Median seconds of each callable in fs, called in turn `repeats` times (after one warm-up)."""
    out = [f() for f in fs]
    ts = [[] for _ in fs]
    for _ in range(repeats):
        for k, f in enumerate(fs):
            t = time.perf_counter()
            f()
            ts[k].append(time.perf_counter() - t)
    return [statistics.median(t) for t in ts], out


def row(label, n, m, d, tp, tw, vp, vw):
    rel = abs(vw - vp) / max(abs(vp), 1e-300)
    print(f"{label:>14} {n:>6} {m:>6} {d:>4} {tp * 1e3:>9.3f} {tw * 1e3:>10.3f} {tp / tw:>6.2f}x {rel:>9.1e}")
    sys.stdout.flush()
    return tp / tw


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", default="10,50,150,500,1000")
    ap.add_argument("--d", default="2,10,784")
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--fixtures", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print(f"{'case':>14} {'n':>6} {'m':>6} {'d':>4} {'POT ms':>9} {'wgankit ms':>10} {'ratio':>7} {'rel diff':>9}")
    worst = {}
    for d in map(int, args.d.split(",")):
        for n in map(int, args.n.split(",")):
            X, Y = rng.normal(size=(n, d)), rng.normal(size=(n, d)) + 0.5
            wa, wb = rng.random(n), rng.random(n)
            wa, wb = wa / wa.sum(), wb / wb.sum()
            u = np.full(n, 1.0 / n)
            reps = args.repeats if n <= 500 else max(3, args.repeats // 3)
            M = ot.dist(X, Y, metric="euclidean")
            for kind, a, b in (("uniform", None, None), ("weighted", wa, wb)):
                pa, pb = (u, u) if a is None else (a, b)
                (tw, tp), (vw, vp) = timed([lambda: wgankit.w1(X, Y, a, b, threads=args.threads),
                                            lambda: ot.emd2(pa, pb, ot.dist(X, Y, metric="euclidean"),
                                                            numItermax=10**9)], reps)
                r = row(f"w1 {kind[0]}", n, n, d, tp, tw, vp, vw)
                worst["w1"] = min(worst.get("w1", r), r)
                (tw, tp), (vw, vp) = timed([lambda: wgankit.emd2(pa, pb, M),
                                            lambda: ot.emd2(pa, pb, M, numItermax=10**9)], reps)
                r = row(f"emd2 {kind[0]}", n, n, d, tp, tw, vp, vw)
                worst["emd2"] = min(worst.get("emd2", r), r)
    for name, a, b, wa, wb in fixture_cases(args.fixtures) if args.fixtures else ():
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        pa = wa if wa is not None else np.full(len(a), 1.0 / len(a))
        pb = wb if wb is not None else np.full(len(b), 1.0 / len(b))
        (tw, tp), (vw, vp) = timed([lambda: wgankit.w1(a, b, wa, wb, threads=args.threads),
                                    lambda: ot.emd2(pa, pb, ot.dist(a64, b64, metric="euclidean"),
                                                    numItermax=10**9)], args.repeats)
        r = row(name, len(a), len(b), a.shape[1], tp, tw, vp, vw)
        worst["fixtures"] = min(worst.get("fixtures", r), r)
    print("worst ratio: " + ", ".join(f"{k} {v:.2f}x" for k, v in worst.items()) +
          f"; load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
