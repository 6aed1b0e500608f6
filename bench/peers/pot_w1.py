#!/usr/bin/python3
"""pot_w1.py — the POT peer for bench/bench_w1.c, and the driver that prints ratios.

    /usr/bin/python3 bench/peers/pot_w1.py [--bench build/bench_w1] [--cases 1000:2,...] [--dir DIR]

Runs bench_w1 (which writes each case's clouds as float32 NPY and its own timings), then times
POT 0.8.2 on the very same files — ot.dist (cost matrix) and ot.emd2 (network simplex), uniform
weights — in the same run, checks the values agree, and prints the speed ratios. Use Debian's
python (numpy + python3-pot)."""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import ot


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default="build/bench_w1")
    ap.add_argument("--cases", default="1000:2,2000:2,5000:2,10000:2,2000:784,10000:784")
    ap.add_argument("--dir", default=None)
    args = ap.parse_args()
    d = args.dir or tempfile.mkdtemp(prefix="w1bench_")
    os.makedirs(d, exist_ok=True)
    subprocess.run([args.bench, "--out", d, "--cases", args.cases], check=True)
    with open(os.path.join(d, "results.csv")) as f:
        ours = {(int(r["n"]), int(r["d"])): r for r in csv.DictReader(f)}
    print(f"\n{'n':>7} {'d':>4} {'POT dist s':>10} {'POT emd s':>10} {'POT total':>10} {'wgankit s':>10} {'ratio':>7} {'rel diff':>9}")
    for case in args.cases.split(","):
        n, dim = map(int, case.split(":"))
        a = np.load(os.path.join(d, f"a_{n}_{dim}.npy")).astype(np.float64)
        b = np.load(os.path.join(d, f"b_{n}_{dim}.npy")).astype(np.float64)
        w = np.full(n, 1.0 / n)
        t0 = time.perf_counter()
        M = ot.dist(a, b, metric="euclidean")
        t1 = time.perf_counter()
        val = ot.emd2(w, w, M, numItermax=10**9)
        t2 = time.perf_counter()
        del M
        r = ours[(n, dim)]
        mine = float(r["seconds"])
        rel = abs(float(r["value"]) - val) / max(abs(val), 1e-300)
        print(f"{n:>7} {dim:>4} {t1 - t0:>10.2f} {t2 - t1:>10.2f} {t2 - t0:>10.2f} {mine:>10.2f} {(t2 - t0) / mine:>6.1f}x {rel:>9.1e}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
