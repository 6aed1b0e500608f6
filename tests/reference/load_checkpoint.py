#!/usr/bin/env python3
"""Load a wgankit checkpoint with numpy only (the safetensors layout): print its tensors,
the step and the generator's layer list. Usage: load_checkpoint.py CHECKPOINT"""
import json, struct, sys
import numpy as np

DTYPES = {"F32": np.float32, "I64": np.int64, "U8": np.uint8}

def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        tensors[name] = np.frombuffer(raw[base + b:base + end], dtype=DTYPES[e["dtype"]]).reshape(e["shape"])
    return tensors, meta

if __name__ == "__main__":
    tensors, meta = load(sys.argv[1])
    print("format", meta["format"], "step", meta["step"])
    for name, t in tensors.items():
        print(f"{name:40s} {str(t.dtype):8s} {list(t.shape)}")
    print("generator layers:", [l["type"] for l in json.loads(meta["wgankit.generator"])])
