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
Exit 0 when the largest absolute difference is <= tol (default 1e-5).

A MIX+GAN checkpoint (config "mix" = T > 1) holds T networks of the same layer list, named
generator.<j>.…, critic.<j>.…, critic_orthonormal.<j>.…, and the logits mix.logits_g/_d
(Arora et al. 2017, §5). Its critic is the mixture Σ_j softmax(logits_d)_j D_j; each generated
sample comes from one component, drawn by wgankit's own random stream, so `sample` checks that
every row equals the output of some component at its latent code."""
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

def state_name(name, j):
    """The state tensor an op names for component j (None: a single GAN): a MIX+GAN list names
    every component's, an array whose entry j is lipschitz.<j>.…; one of layer-list version 2
    (earlier builds) named lipschitz.… for all, where component j's tensor is lipschitz.<j>.…"""
    if isinstance(name, list):
        return name[j]
    return name if j is None else name.replace("lipschitz.", f"lipschitz.{j}.", 1)

def forward_weight(w, ops, tensors, j=None):
    """The weight the forward pass multiplies by, from the stored one and the layer's ops (for
    component j of a mixture)."""
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
            u = tensors[state_name(op["u"], j)].astype(np.float64)
            v = tensors[state_name(op["v"], j)].astype(np.float32)
            u /= np.linalg.norm(u)
            for _ in range(op["power_iterations"]):
                u, v = power_step(w, u)
            u, v = u.astype(np.float32), v.astype(np.float32)
            w = w / np.float32((u * (w @ v)).sum())
        else:
            raise SystemExit(f"forward_weight op {kind} not handled by this script")
    return w

def build(layers, tensors, prefix, j=None):
    """A numpy forward pass for an MLP layer list (linear, activations, reshape, clamp)."""
    def run(x):
        x = x.astype(np.float32)
        for l in layers:
            t = l["type"]
            if t == "linear":
                w = forward_weight(tensors[prefix + l["weight"]], l.get("forward_weight", []), tensors, j)
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
    T = int(cfg.get("mix", 1))  # absent: a single GAN
    parts = [""] if T == 1 else [f"{j}." for j in range(T)]
    x, want = np.load(xf), np.load(yf)
    worst = 0.0

    def mixture(layers, net):
        """Σ_j w_j D_j(x) over the components (w = softmax of the critic logits), or D(x)."""
        flat = x.reshape(x.shape[0], -1)
        if T == 1:
            return build(layers, tensors, net + ".")(flat).reshape(-1)
        logits = tensors["mix.logits_d"].astype(np.float64)
        w = np.exp(logits - logits.max())
        w /= w.sum()
        return sum(w[j] * build(layers, tensors, f"{net}.{j}.", j)(flat).reshape(-1).astype(np.float64) for j in range(T))

    if what == "critic":
        got = mixture(json.loads(meta["wgankit.critic"]), "critic")
    elif what == "sample":
        net = "generator_ema" if cfg["ema"] > 0 else "generator"
        outs = [build(json.loads(meta["wgankit.generator"]), tensors, f"{net}.{p}")(x) for p in parts]
        if T > 1:  # each row from the component nearest to it: its distance is the error
            err = np.stack([np.abs(o.reshape(want.shape) - want).reshape(want.shape[0], -1).max(axis=1) for o in outs])
            got = np.stack(outs)[err.argmin(axis=0), np.arange(want.shape[0])]
            print("rows per component:", np.bincount(err.argmin(axis=0), minlength=T).tolist())
        else:
            got = outs[0]
    elif what == "orthonormal":
        layers = json.loads(meta["wgankit.critic_orthonormal"])
        for p in parts:
            for l in layers:
                if l["type"] == "linear":
                    e = orthonormality_error(tensors["critic_orthonormal." + p + l["weight"]])
                    print(f"layer {p}{l['weight']}: max |W^T W - I| = {e:.3g}")
                    worst = max(worst, e)
        got = mixture(layers, "critic_orthonormal")
    else:
        raise SystemExit(__doc__)
    diff = float(np.abs(got.reshape(want.shape) - want).max())
    print(f"{what}: max |numpy - wgankit| = {diff:.3g} over {want.size} values (tol {tol})")
    sys.exit(0 if diff <= tol and worst <= tol else 1)

if __name__ == "__main__":
    main()
