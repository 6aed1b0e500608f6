"""Shared helpers for the wgankit pytest suite: paths of the repository and of the CLI, and the
POT fixture cases (tests/fixtures/ot, made by tests/reference/make_ot_fixtures.py)."""
import csv
import os
import shutil

import numpy as np
import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(ROOT, "tests", "fixtures", "ot")


def cli():
    """The wgankit CLI of this build (CTest passes WK_CLI), else build/wgankit."""
    path = os.environ.get("WK_CLI") or os.path.join(ROOT, "build", "wgankit")
    if not os.path.exists(path):
        pytest.skip("the wgankit CLI is not built")
    return path


def fixture_cases():
    with open(os.path.join(FIX, "cases.csv")) as f:
        rows = list(csv.DictReader(f))
    out = []
    for r in rows:
        A = np.load(os.path.join(FIX, r["a"])).astype(np.float64)
        B = np.load(os.path.join(FIX, r["b"])).astype(np.float64)
        wa = None if r["wa"] == "-" else np.load(os.path.join(FIX, r["wa"])).astype(np.float64)
        wb = None if r["wb"] == "-" else np.load(os.path.join(FIX, r["wb"])).astype(np.float64)
        if wa is not None:
            wa /= wa.sum()
        if wb is not None:
            wb /= wb.sum()
        out.append(dict(case=int(r["case"]), A=A, B=B, wa=wa, wb=wb, emd2=float(r["emd2"])))
    return out
