#!/usr/bin/env python3
"""Load a wgankit checkpoint with numpy only (the safetensors layout) and rebuild its networks
from the file alone: the layer lists in the metadata state every forward-pass transformation
(Björck reparametrisation, spectral normalisation, GroupSort order, output clamp; see
src/gan/layer_meta.c), so nothing here is taken from wgankit's C source.

  load_checkpoint.py CKPT                          print the tensors, the step and the layer lists
  load_checkpoint.py CKPT critic X.npy D.npy [tol]       critic values at X against `wgankit critic` D
  load_checkpoint.py CKPT sample Z.npy X.npy [tol]       generator at Z against `wgankit sample --latent Z`
  load_checkpoint.py CKPT orthonormal X.npy D.npy [tol]  the exported orthonormal critic (critic_orthonormal.*):
                                                          weights orthonormal to tol, values against D
Exit 0 when the largest absolute difference is <= tol (default 1e-5)."""
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

def power_step(w, u):
    v = w.T.astype(np.float64) @ u
    v /= np.linalg.norm(v)
    u = w.astype(np.float64) @ v
    u /= np.linalg.norm(u)
    return u, v

def forward_weight(w, ops, tensors):
    """The weight the forward pass multiplies by, from the stored one and the layer's ops."""
    w = w.astype(np.float32)
    for op in ops:
        kind = op["op"]
        if kind == "divide_by_norm_bound":  # sqrt(max column |W| sum * max row |W| sum)
            a = np.abs(w)
            w = w / np.float32(np.sqrt(np.float32(a.sum(axis=0).max()) * np.float32(a.sum(axis=1).max())))
        elif kind == "bjorck":
            b = np.float32(op["beta"])
            for _ in range(op["iters"]):
                tall = w.shape[0] >= w.shape[1]
                w = (1 + b) * w - b * (w @ (w.T @ w) if tall else (w @ w.T) @ w)
        elif kind == "spectral_norm":
            u = tensors[op["u"]].astype(np.float64)
            v = tensors[op["v"]].astype(np.float32)
            u /= np.linalg.norm(u)
            for _ in range(op["power_iterations"]):
                u, v = power_step(w, u)
            u, v = u.astype(np.float32), v.astype(np.float32)
            w = w / np.float32((u * (w @ v)).sum())
        else:
            raise SystemExit(f"forward_weight op {kind} not handled by this script")
    return w

def build(layers, tensors, prefix):
    """A numpy forward pass for an MLP layer list (linear, activations, reshape, clamp)."""
    def run(x):
        x = x.astype(np.float32)
        for l in layers:
            t = l["type"]
            if t == "linear":
                w = forward_weight(tensors[prefix + l["weight"]], l.get("forward_weight", []), tensors)
                x = x @ w.T
                if l["bias"]:
                    x = x + tensors[prefix + l["bias_tensor"]]
            elif t == "relu": x = np.maximum(x, 0)
            elif t == "leaky_relu": x = np.where(x > 0, x, np.float32(l["slope"]) * x)
            elif t == "tanh": x = np.tanh(x)
            elif t == "sigmoid": x = 1 / (1 + np.exp(-x))
            elif t == "groupsort":
                assert l["order"] == "ascending"
                k = l["group"]
                x = np.sort(x.reshape(x.shape[0], -1, k), axis=2).reshape(x.shape[0], -1)
            elif t == "reshape": x = x.reshape((x.shape[0], *l["shape"]))
            elif t == "clamp": x = np.clip(x, l["min"], l["max"])
            else: raise SystemExit(f"layer type {t} not handled by this script (MLP networks only)")
        return x
    return run

def orthonormality_error(w):
    g = w.T.astype(np.float64) @ w if w.shape[0] >= w.shape[1] else w.astype(np.float64) @ w.T
    return float(np.abs(g - np.eye(g.shape[0])).max())

def main():
    tensors, meta = load(sys.argv[1])
    if len(sys.argv) == 2:
        print("format", meta["format"], "step", meta["step"])
        for name, t in tensors.items():
            print(f"{name:40s} {str(t.dtype):8s} {list(t.shape)}")
        for net in ("wgankit.generator", "wgankit.critic", "wgankit.critic_orthonormal"):
            if net in meta:
                print(net, json.dumps(json.loads(meta[net])))
        return
    what, xf, yf = sys.argv[2:5]
    tol = float(sys.argv[5]) if len(sys.argv) > 5 else 1e-5
    cfg = json.loads(meta["wgankit.config"])
    x, want = np.load(xf), np.load(yf)
    worst = 0.0
    if what == "critic":
        got = build(json.loads(meta["wgankit.critic"]), tensors, "critic.")(x.reshape(x.shape[0], -1)).reshape(-1)
    elif what == "sample":
        prefix = "generator_ema." if cfg["ema"] > 0 else "generator."
        got = build(json.loads(meta["wgankit.generator"]), tensors, prefix)(x)
    elif what == "orthonormal":
        layers = json.loads(meta["wgankit.critic_orthonormal"])
        for l in layers:
            if l["type"] == "linear":
                e = orthonormality_error(tensors["critic_orthonormal." + l["weight"]])
                print(f"layer {l['weight']}: max |W^T W - I| = {e:.3g}")
                worst = max(worst, e)
        got = build(layers, tensors, "critic_orthonormal.")(x.reshape(x.shape[0], -1)).reshape(-1)
    else:
        raise SystemExit(__doc__)
    diff = float(np.abs(got.reshape(want.shape) - want).max())
    print(f"{what}: max |numpy - wgankit| = {diff:.3g} over {want.size} values (tol {tol})")
    sys.exit(0 if diff <= tol and worst <= tol else 1)

if __name__ == "__main__":
    main()
