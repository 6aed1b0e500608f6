#!/usr/bin/python3
"""PyTorch peer of bench/bench_lipschitz.c: one GroupSort critic step.

Critic 2 -> 512 -> 512 -> 512 -> 1 with GroupSort(k=2) after each hidden Linear, batch 256,
loss mean D(fake) - mean D(real) (real: 8 Gaussians on a ring, fake: N(0, I)), backward,
Adam(1e-4, betas (0.5, 0.9)), then every Linear weight <- Bjorck(W): scale by
1/sqrt(||W||_1 ||W||_inf), 15 iterations W <- 1.5 W - 0.5 W (W^T W) (the smaller Gram matrix for
wide W) -- exactly torch_wgan_toy.py --mode groupsort's critic step. Also times one 15-iteration
Bjorck projection of a 512x512 matrix.

    /usr/bin/python3 bench/peers/torch_groupsort_step.py [--threads 2] [--steps 30]

Prints JSON lines on stdout.
"""
import argparse
import json
import time

import torch
import torch.nn as nn

from torch_wgan_toy import BATCH, GroupSort, bjorck_, mlp, sample_real


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=30)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)

    lin = nn.Linear(512, 512)
    best = float("inf")
    for _ in range(10):
        with torch.no_grad():
            lin.weight.uniform_(-1, 1)
        t0 = time.perf_counter()
        bjorck_(lin)
        best = min(best, time.perf_counter() - t0)
    print(json.dumps({"bench": "torch_bjorck512_15iters", "ms": round(1e3 * best, 3), "threads": a.threads}))

    D = mlp(2, 1, lambda: GroupSort(2))
    for m in D:
        if isinstance(m, nn.Linear):
            bjorck_(m)
    opt = torch.optim.Adam(D.parameters(), lr=1e-4, betas=(0.5, 0.9))

    def step():
        real = sample_real(BATCH)
        fake = torch.randn(BATCH, 2)
        opt.zero_grad(set_to_none=True)
        loss = D(fake).mean() - D(real).mean()
        loss.backward()
        opt.step()
        for m in D:
            if isinstance(m, nn.Linear):
                bjorck_(m)

    for _ in range(3):
        step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    dt = time.perf_counter() - t0
    print(json.dumps({"bench": "torch_groupsort_critic_step", "critic_steps_per_s": round(a.steps / dt, 3),
                      "ms_per_step": round(1e3 * dt / a.steps, 2), "threads": a.threads, "steps": a.steps,
                      "torch": torch.__version__}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
