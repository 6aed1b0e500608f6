#!/usr/bin/python3
"""make_is64_fixtures.py — regenerate tests/fixtures/metrics/is64*: class probabilities stored in
float64 (500 rows of Dirichlet(0.3) over 10 classes, rows summing to 1 within 4e-16: the set of
FINDINGS 2026-11-30, finding 3) and their Inception Score over 10 consecutive splits in float64,
by the reference formula of make_metric_fixtures.py (Salimans et al.'s code, 0 log 0 = 0).

`metrics --features none --metrics is` reads a float64 file as stored, so it must give the
float64 value. The value numpy gets on the rows rounded to float32 (no renormalisation) is written
beside it (columns is_f32, is_std_f32) to show the rounding the fixture guards against:
6e-10 relative on IS, 4e-8 on its std.

Run with Debian's python (numpy):  /usr/bin/python3 tests/reference/make_is64_fixtures.py
is64.csv: case,n,k,splits,is,is_std,is_f32,is_std_f32"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_metric_fixtures import inception_score  # noqa: E402  (one reference formula)

OUT = os.path.join(HERE, "..", "fixtures", "metrics")


def main():
    probs = np.random.default_rng(0).dirichlet(np.ones(10) * 0.3, size=500)
    assert probs.dtype == np.float64
    np.save(os.path.join(OUT, "is64_dirichlet.npy"), probs)
    m, s = inception_score(probs, 10)
    m32, s32 = inception_score(probs.astype(np.float32).astype(np.float64), 10)
    line = "dirichlet,%d,%d,10,%r,%r,%r,%r" % (probs.shape[0], probs.shape[1], float(m), float(s), float(m32), float(s32))
    with open(os.path.join(OUT, "is64.csv"), "w") as fh:
        fh.write("case,n,k,splits,is,is_std,is_f32,is_std_f32\n" + line + "\n")
    print(line)


if __name__ == "__main__":
    main()
