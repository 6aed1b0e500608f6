#!/usr/bin/python3
"""pot_w1.py — the POT peer for bench/bench_w1.c, and the driver that prints ratios.

    /usr/bin/python3 bench/peers/pot_w1.py [--bench build/bench_w1] [--cases 1000:2,...] [--dir DIR]
                                           [--few] [--general-timeout S]

Runs bench_w1 (which writes each case's clouds as float32 NPY and its own timings), then times
POT 0.8.2 on the very same files — ot.dist (cost matrix) and ot.emd2 (network simplex), uniform
weights — in the same run, checks the values agree, and prints the speed ratios. Use Debian's
python (numpy + python3-pot).
--few: a few points against many (cases n:m:d, default 10:200000:2,10:200000:64; wk_w1_exact's
few-sources solver, exact_few.c), and the general path on the same clouds too (bench_w1 --solver
simplex, the code before it), each case in its own bench_w1 run cut at --general-timeout seconds
(default 600): the before / after ratio. Cases n:m:d work without --few as well."""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import ot


def parse(case):
    """n:d (m = n) or n:m:d; the clouds' file suffix as bench_w1 names them"""
    v = list(map(int, case.split(":")))
    if len(v) == 2:
        return v[0], v[0], v[1], f"{v[0]}_{v[1]}"
    return v[0], v[1], v[2], f"{v[0]}_{v[1]}_{v[2]}"


def general_path(bench, case, d, timeout):
    """bench_w1 --solver simplex on one case (its own directory): (value, seconds), or None past timeout"""
    sub = os.path.join(d, "general")
    os.makedirs(sub, exist_ok=True)
    try:
        subprocess.run([bench, "--out", sub, "--cases", case, "--solver", "simplex"], check=True, timeout=timeout,
                       stdout=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None
    with open(os.path.join(sub, "results.csv")) as f:
        r = next(csv.DictReader(f))
    return float(r["value"]), float(r["seconds"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default="build/bench_w1")
    ap.add_argument("--cases", default=None)
    ap.add_argument("--dir", default=None)
    ap.add_argument("--few", action="store_true")
    ap.add_argument("--general-timeout", type=float, default=600)
    args = ap.parse_args()
    cases = args.cases or ("10:200000:2,10:200000:64" if args.few else "1000:2,2000:2,5000:2,10000:2,2000:784,10000:784")
    d = args.dir or tempfile.mkdtemp(prefix="w1bench_")
    os.makedirs(d, exist_ok=True)
    subprocess.run([args.bench, "--out", d, "--cases", cases], check=True)
    with open(os.path.join(d, "results.csv")) as f:
        ours = {(int(r["n"]), int(r.get("m") or r["n"]), int(r["d"])): r for r in csv.DictReader(f)}
    head = f"\n{'n':>7} {'m':>7} {'d':>4} {'POT dist s':>10} {'POT emd s':>10} {'POT total':>10} {'wgankit s':>10} {'ratio':>7} {'rel diff':>9}"
    print(head + (f" {'general s':>10} {'gen/new':>8}" if args.few else ""))
    for case in cases.split(","):
        n, m, dim, suffix = parse(case)
        a = np.load(os.path.join(d, f"a_{suffix}.npy")).astype(np.float64)
        b = np.load(os.path.join(d, f"b_{suffix}.npy")).astype(np.float64)
        t0 = time.perf_counter()
        M = ot.dist(a, b, metric="euclidean")
        t1 = time.perf_counter()
        val = ot.emd2(np.full(n, 1.0 / n), np.full(m, 1.0 / m), M, numItermax=10**9)
        t2 = time.perf_counter()
        del M
        r = ours[(n, m, dim)]
        mine = float(r["seconds"])
        rel = abs(float(r["value"]) - val) / max(abs(val), 1e-300)
        line = f"{n:>7} {m:>7} {dim:>4} {t1 - t0:>10.2f} {t2 - t1:>10.2f} {t2 - t0:>10.2f} {mine:>10.2f} {(t2 - t0) / mine:>6.1f}x {rel:>9.1e}"
        if args.few:
            g = general_path(args.bench, case, d, args.general_timeout)
            line += f" {'> %.0f' % args.general_timeout:>10} {'':>8}" if g is None else f" {g[1]:>10.2f} {g[1] / mine:>7.1f}x"
            if g is not None and abs(g[0] - val) > 1e-9 * abs(val):
                line += f"  (general value {g[0]:.17g})"
        print(line)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
