#!/usr/bin/python3
"""py_w1_vs_pot.py [BUILD_DIR] — the Python binding against POT and against the CLI, in one run
(issue 14, acceptance 2). Ratios only; this machine is shared and loaded.

1. wgankit.w1(X, Y) against POT through Python (ot.dist + ot.emd2) at n = 5,000 in 2-D (and
   2,000), interleaved repeats, median times: speedup = POT time / wgankit time (goal >= 5x).
2. Binding overhead at n = 1,000: wgankit.w1's wall time against the solve time the CLI reports
   itself (`wgankit w1 --json`'s "seconds", which excludes reading files and start-up), same
   points, same threads: overhead = binding / CLI - 1 (goal < 5%).
Prints one JSON line per measurement and a summary. Needs python3-pot; run with
PYTHONPATH=python after `make python` (bench/run-all does)."""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
import wgankit  # noqa: E402

try:
    import ot
except ImportError:
    ot = None

BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))


def clouds(n, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)).astype(np.float32)
    Y = (rng.normal(size=(n, 2)) * 0.8 + [1.0, 0.5]).astype(np.float32)
    return X, Y


def timed(fn):
    t = time.perf_counter()
    v = fn()
    return time.perf_counter() - t, v


def vs_pot(n):
    X, Y = clouds(n, n)
    X64, Y64 = X.astype(np.float64), Y.astype(np.float64)
    ours, peer = [], []
    for _ in range(REPEATS):  # interleaved, so both see the same load
        t, v = timed(lambda: wgankit.w1(X, Y, threads=THREADS))
        ours.append(t)
        t, r = timed(lambda: ot.emd2([], [], ot.dist(X64, Y64, "euclidean"), numItermax=10**8))
        peer.append(t)
    rec = dict(bench="py_w1_vs_pot", n=n, d=2, wgankit_s=statistics.median(ours), pot_s=statistics.median(peer),
               value=v, pot_value=float(r), rel_diff=abs(v - r) / r)
    rec["speedup"] = rec["pot_s"] / rec["wgankit_s"]
    print(json.dumps(rec), flush=True)
    return rec


def overhead(n):
    X, Y = clouds(n, 7)
    cli = os.path.join(BUILD, "wgankit")
    with tempfile.TemporaryDirectory() as d:
        np.save(os.path.join(d, "a.npy"), X)
        np.save(os.path.join(d, "b.npy"), Y)
        ours, theirs = [], []
        for _ in range(max(REPEATS, 7)):
            out = subprocess.run([cli, "w1", os.path.join(d, "a.npy"), os.path.join(d, "b.npy"), "--json", "--threads",
                                  str(THREADS)], check=True, capture_output=True, text=True).stdout
            theirs.append(json.loads(out)["seconds"])
            t, v = timed(lambda: wgankit.w1(X, Y, threads=THREADS))
            ours.append(t)
    rec = dict(bench="py_w1_overhead", n=n, d=2, binding_s=statistics.median(ours), cli_solve_s=statistics.median(theirs))
    rec["overhead"] = rec["binding_s"] / rec["cli_solve_s"] - 1
    print(json.dumps(rec), flush=True)
    return rec


def main():
    wgankit.w1(*clouds(200, 1))  # load and warm up
    recs = []
    if ot is None:
        print("py_w1_vs_pot: POT (python3-pot) not importable, skipped the POT comparison")
    else:
        recs += [vs_pot(2000), vs_pot(5000)]
    o = overhead(1000)
    for r in recs:
        print("wgankit.w1 vs POT (ot.dist + ot.emd2), n = %d, 2-D: %.3f s vs %.3f s = %.1fx" %
              (r["n"], r["wgankit_s"], r["pot_s"], r["speedup"]))
    print("binding overhead at n = 1,000: wgankit.w1 %.4f s vs CLI solve %.4f s = %+.1f%%" %
          (o["binding_s"], o["cli_solve_s"], 100 * o["overhead"]))


if __name__ == "__main__":
    main()
