#!/usr/bin/env python3
"""Rebuild a wgankit generator in PyTorch from a checkpoint's metadata alone, map the latent
codes of Z.npy, and compare with `wgankit sample --latent Z.npy` output X.npy (max abs diff).
Usage: torch_sample_check.py CHECKPOINT Z.npy X.npy [tol]"""
import json, sys
import numpy as np
import torch
from load_checkpoint import load

def build(layers):
    mods, spatial = [], False  # batch norm is 1-d on features, 2-d after an image reshape
    for l in layers:
        t = l["type"]
        if t == "linear": mods.append(torch.nn.Linear(l["in"], l["out"], bias=l["bias"]))
        elif t == "conv2d": mods.append(torch.nn.Conv2d(l["in"], l["out"], l["kernel"], l["stride"], l["padding"], bias=l["bias"]))
        elif t == "conv_transpose2d":
            mods.append(torch.nn.ConvTranspose2d(l["in"], l["out"], l["kernel"], l["stride"], l["padding"], l["output_padding"], bias=l["bias"]))
        elif t == "batchnorm":
            mods.append((torch.nn.BatchNorm2d if spatial else torch.nn.BatchNorm1d)(l["channels"], l["eps"], l["momentum"]))
        elif t == "reshape":
            spatial = len(l["shape"]) > 1
            mods.append(torch.nn.Unflatten(1, l["shape"]) if spatial else torch.nn.Flatten())
        elif t == "relu": mods.append(torch.nn.ReLU())
        elif t == "leaky_relu": mods.append(torch.nn.LeakyReLU(l["slope"]))
        elif t == "tanh": mods.append(torch.nn.Tanh())
        elif t == "sigmoid": mods.append(torch.nn.Sigmoid())
        else: raise SystemExit(f"layer type {t} not handled by this script")
    return torch.nn.Sequential(*mods)

def main():
    ckpt, zf, xf = sys.argv[1:4]
    tol = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-5
    tensors, meta = load(ckpt)
    cfg = json.loads(meta["wgankit.config"])
    prefix = "generator_ema." if cfg["ema"] > 0 else "generator."
    net = build(json.loads(meta["wgankit.generator"]))
    state = {k[len(prefix):]: torch.from_numpy(v.copy()) for k, v in tensors.items() if k.startswith(prefix)}
    net.load_state_dict(state)
    net.eval()  # batch norm uses its running statistics, as wgankit sample does
    z = torch.from_numpy(np.load(zf).astype(np.float32))
    with torch.no_grad():
        ours = net(z).numpy()
    theirs = np.load(xf)
    diff = float(np.abs(ours.reshape(theirs.shape) - theirs).max())
    print(f"max |torch - wgankit| = {diff:.3g} over {theirs.size} values (tol {tol})")
    sys.exit(0 if diff <= tol else 1)

if __name__ == "__main__":
    main()
