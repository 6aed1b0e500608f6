#!/usr/bin/env python3
"""torch_nnd.py — the neural net distance estimator of `wgankit nnd` / `wgankit generalization`
written in PyTorch 1.13 (the speed peer of bench/bench_nnd.sh; issue 12 acceptance 6).

Same estimator as src/nnd/nnd.c: each side's m points split in halves; a fresh GroupSort critic
(MaxMin, depth 3, width 64, Björck projection of every Linear weight after each Adam step: 15
iterations, beta 0.5, as the library with --bjorck-tol 0) trained for a fixed number of steps on
batches of 256 drawn with replacement from the training halves (Adam 2e-4, betas 0.5/0.9); the
value E_A D - E_B D on both pairs of halves. Mode generalization adds the exact W1 (POT's emd2)
between the two samples, as one point of `wgankit generalization --distances w1,nnd`.

  --mode nnd             ring vs N(0, 0.5^2 I) in 2-D, m = 10,000 per side
  --mode generalization  two samples of N(0, I/64) in 64-D, m = 1,000: W1 + d_NN
Prints one JSON line {"impl": "pytorch", "mode", "seconds", "nnd_heldout", ...}."""
import argparse
import json
import math
import time

import torch
import torch.nn as nn


def group_sort(x, k=2):
    n, f = x.shape
    return x.view(n, f // k, k).sort(dim=-1)[0].view(n, f)


class GroupSort(nn.Module):
    def forward(self, x):
        return group_sort(x)


@torch.no_grad()
def bjorck_(lin, iters=15, beta=0.5):
    W = lin.weight
    W = W / torch.sqrt(W.abs().sum(dim=0).max() * W.abs().sum(dim=1).max())
    tall = W.shape[0] >= W.shape[1]
    for _ in range(iters):
        W = (1 + beta) * W - beta * (W @ (W.t() @ W) if tall else (W @ W.t()) @ W)
    lin.weight.copy_(W)


def critic(d, width=64, depth=3):
    layers, fan = [], d
    for _ in range(depth):
        layers += [nn.Linear(fan, width), GroupSort()]
        fan = width
    return nn.Sequential(*layers, nn.Linear(fan, 1))


def ring(n):
    k = torch.randint(0, 8, (n,)).double()
    c = torch.stack([2 * torch.cos(2 * math.pi * k / 8), 2 * torch.sin(2 * math.pi * k / 8)], 1)
    return ((c + 0.02 * torch.randn(n, 2, dtype=torch.float64)) / 1.414).float()


def nnd(a, b, steps, batch=256):
    na, nb = a.shape[0] // 2, b.shape[0] // 2
    at, ah, bt, bh = a[:na], a[na:], b[:nb], b[nb:]
    D = critic(a.shape[1])
    lins = [m for m in D if isinstance(m, nn.Linear)]
    for l in lins:
        bjorck_(l, 50)
    opt = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.9))
    for _ in range(steps):
        xa = at[torch.randint(0, na, (batch,))]
        xb = bt[torch.randint(0, nb, (batch,))]
        loss = D(xb).mean() - D(xa).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        for l in lins:
            bjorck_(l)
    for l in lins:
        bjorck_(l, 50)
    with torch.no_grad():
        return (D(at).mean() - D(bt).mean()).item(), (D(ah).mean() - D(bh).mean()).item()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["nnd", "generalization"], default="nnd")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    t0 = time.perf_counter()
    out = {"impl": "pytorch", "mode": a.mode, "steps": a.steps, "threads": a.threads}
    if a.mode == "nnd":
        x, y = ring(10000), 0.5 * torch.randn(10000, 2)
        out["nnd_train"], out["nnd_heldout"] = nnd(x, y, a.steps)
    else:
        import ot  # POT: exact W1 between the two samples
        x, y = torch.randn(1000, 64) / 8, torch.randn(1000, 64) / 8
        M = torch.cdist(x.double(), y.double()).numpy()
        out["w1"] = float(ot.emd2([], [], M, numItermax=10**7))
        out["nnd_train"], out["nnd_heldout"] = nnd(x, y, a.steps)
    out["seconds"] = time.perf_counter() - t0
    print(json.dumps(out))


if __name__ == "__main__":
    main()
