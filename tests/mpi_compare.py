"""mpi_compare.py A.safetensors B.safetensors TOL — the MPI tests' weight comparison: every
float tensor of the two checkpoints (weights and optimizer state) must agree to TOL relative
(max |a - b| / max |a|, per tensor); TOL 0 asks for the same bits. Prints the worst tensor."""
import json
import struct
import sys

import numpy as np


def load(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        head = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in head.items():
        if k == "__metadata__" or v["dtype"] != "F32" or (WEIGHTS and k.startswith("opt")):
            continue
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(data[a:b], dtype=np.float32).reshape(v["shape"])
    return out


WEIGHTS = len(sys.argv) > 4 and sys.argv[4] == "weights"
a, b, tol = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3])
if sorted(a) != sorted(b):
    sys.exit(f"the checkpoints hold different tensors: {sorted(set(a) ^ set(b))}")
worst, name = 0.0, ""
for k in a:
    if tol == 0:
        d = 0.0 if a[k].tobytes() == b[k].tobytes() else float("inf")
    else:
        d = float(np.max(np.abs(a[k].astype(np.float64) - b[k]))) / max(float(np.max(np.abs(a[k]))), 1e-30) if a[k].size else 0.0
    if d > worst:
        worst, name = d, k
print(f"{len(a)} tensors; largest relative difference {worst:.3g}{' (' + name + ')' if name else ''}; tolerance {tol:g}")
sys.exit(0 if worst <= tol else 1)
